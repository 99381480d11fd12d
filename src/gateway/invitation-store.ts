// Pending team invitations, shared by every gateway process through the store (memory here: one
// process only; Redis and PostgreSQL adapters beside it).
export interface InvitationRecord {
  id: string;
  subscriptionId: string;
  inviterCustomerId: string;
  /** The address as the inviter typed it (trimmed). */
  email: string;
  isAdministrator: boolean;
  createdAt: number;
  expiresAt: number;
}
export interface InvitationLimits {
  maxPending: number;
  maxPerDay: number;
  now: number;
}
export type AddResult =
  | { outcome: 'added'; record: InvitationRecord }
  | { outcome: 'existing'; record: InvitationRecord }
  | { outcome: 'too-many-pending' }
  | { outcome: 'too-many-today' };
export interface InvitationStore {
  add(record: InvitationRecord, limits: InvitationLimits): Promise<AddResult>;
  get(id: string, now: number): Promise<InvitationRecord | undefined>;
  list(subscriptionId: string, now: number): Promise<InvitationRecord[]>;
  take(id: string, now: number): Promise<InvitationRecord | undefined>;
}

const DAY_MS = 86_400_000;

export function memoryInvitationStore(): InvitationStore {
  const records = new Map<string, InvitationRecord>();
  const created = new Map<string, number[]>();
  const pending = (subscriptionId: string, now: number) =>
    [...records.values()].filter((record) => record.subscriptionId === subscriptionId && record.expiresAt > now).sort((a, b) => a.createdAt - b.createdAt);
  return {
    async add(record, { maxPending, maxPerDay, now }) {
      const waiting = pending(record.subscriptionId, now);
      const existing = waiting.find((other) => other.email.toLowerCase() === record.email.toLowerCase());
      if (existing) return { outcome: 'existing', record: existing };
      if (waiting.length >= maxPending) return { outcome: 'too-many-pending' };
      const today = (created.get(record.subscriptionId) ?? []).filter((at) => at > now - DAY_MS);
      if (today.length >= maxPerDay) return { outcome: 'too-many-today' };
      created.set(record.subscriptionId, [...today, now]);
      records.set(record.id, record);
      return { outcome: 'added', record };
    },
    async get(id, now) {
      const record = records.get(id);
      return record && record.expiresAt > now ? record : undefined;
    },
    async list(subscriptionId, now) {
      return pending(subscriptionId, now);
    },
    async take(id, now) {
      const record = records.get(id);
      records.delete(id);
      return record && record.expiresAt > now ? record : undefined;
    },
  };
}
