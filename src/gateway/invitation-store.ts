// Pending team invitations, kept where every gateway process sees them: an inviter's invitation
// waits for the invitee (who may sign in on another process), is taken exactly once, and the
// number an inviter can have waiting (and create per day) is bounded, atomically across processes.
// This module holds the contract and the in-process store; Redis and PostgreSQL stores implement
// the same contract (redis-invitation-store.ts, postgres-invitation-store.ts).

export interface InvitationRecord {
  /** Random, at least 128 bits, base64url. */
  id: string;
  subscriptionId: string;
  inviterCustomerId: string;
  /** The address as the inviter typed it (trimmed). */
  email: string;
  isAdministrator: boolean;
  /** ms epoch */
  createdAt: number;
  /** ms epoch */
  expiresAt: number;
}

export interface InvitationLimits {
  maxPending: number;
  maxPerDay: number;
  now: number;
}

export type AddResult =
  /** Stored. */
  | { outcome: 'added'; record: InvitationRecord }
  /** A pending one for the same email (case-insensitive) and subscription: nothing new added. */
  | { outcome: 'existing'; record: InvitationRecord }
  /** maxPending unexpired ones already wait for this subscription. */
  | { outcome: 'too-many-pending' }
  /** maxPerDay invitations were created for this subscription in the last 24 h (cancelled/accepted ones count too). */
  | { outcome: 'too-many-today' };

export interface InvitationStore {
  /** Atomic across processes. */
  add(record: InvitationRecord, limits: InvitationLimits): Promise<AddResult>;
  /** Undefined when unknown or expired. */
  get(id: string, now: number): Promise<InvitationRecord | undefined>;
  /** Pending, unexpired, oldest first. */
  list(subscriptionId: string, now: number): Promise<InvitationRecord[]>;
  /** Removes and returns it; of two concurrent takes of one id exactly one gets the record. */
  take(id: string, now: number): Promise<InvitationRecord | undefined>;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Emails match whatever case the inviter typed them in. */
export const emailKey = (email: string) => email.trim().toLowerCase();

/** Only the contract's fields, whatever else a stored row or document carried. */
export const invitationRecord = (from: InvitationRecord): InvitationRecord => ({
  id: from.id,
  subscriptionId: from.subscriptionId,
  inviterCustomerId: from.inviterCustomerId,
  email: from.email,
  isAdministrator: from.isAdministrator,
  createdAt: from.createdAt,
  expiresAt: from.expiresAt,
});

const oldestFirst = (a: InvitationRecord, b: InvitationRecord) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
export const sortOldestFirst = (records: InvitationRecord[]) => records.sort(oldestFirst);

/** A record the stores can keep: limits that are numbers, a record with an id and times. */
export function checkAdd(record: InvitationRecord, limits: InvitationLimits): void {
  if (typeof record?.id !== 'string' || record.id === '') throw new Error('an invitation needs an id');
  if (typeof record.subscriptionId !== 'string' || record.subscriptionId === '') throw new Error('an invitation needs a subscriptionId');
  if (!Number.isFinite(record.createdAt) || !Number.isFinite(record.expiresAt)) throw new Error('an invitation needs createdAt and expiresAt (ms epoch)');
  for (const name of ['maxPending', 'maxPerDay', 'now'] as const) {
    if (!Number.isFinite(limits?.[name])) throw new Error(`invitation limits need ${name} as a number`);
  }
}

export interface MemoryInvitationStoreOptions {
  /** Records kept at most (pending ones plus the day's creation times); the oldest go first beyond it. Default 100 000. */
  maxRecords?: number;
}

/** In this process only (tests, a single-process host). Bounded: expired records are dropped as they are met, the oldest beyond maxRecords. */
export function memoryInvitationStore(options: MemoryInvitationStoreOptions = {}): InvitationStore {
  const maxRecords = options.maxRecords ?? 100_000;
  if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) throw new Error('maxRecords must be a whole number, at least 1');
  const byId = new Map<string, InvitationRecord>();
  const pending = new Map<string, Set<string>>();
  /** Each subscription's creation times of the last day, oldest first. */
  const created = new Map<string, number[]>();
  let creations = 0;

  const forget = (id: string) => {
    const record = byId.get(id);
    if (!record) return;
    byId.delete(id);
    const ids = pending.get(record.subscriptionId);
    ids?.delete(id);
    if (ids?.size === 0) pending.delete(record.subscriptionId);
  };
  const unexpired = (id: string, now: number) => {
    const record = byId.get(id);
    if (record && record.expiresAt <= now) forget(id);
    return record && record.expiresAt > now ? record : undefined;
  };
  const pendingOf = (subscriptionId: string, now: number) =>
    [...(pending.get(subscriptionId) ?? [])].map((id) => unexpired(id, now)).filter((record) => record !== undefined);
  const createdToday = (subscriptionId: string, now: number) => {
    const times = created.get(subscriptionId) ?? [];
    const recent = times.filter((time) => time > now - DAY_MS);
    creations -= times.length - recent.length;
    if (recent.length) created.set(subscriptionId, recent);
    else created.delete(subscriptionId);
    return recent;
  };
  /** Makes room for one more record and one more creation time (Maps keep insertion order: oldest first). */
  const makeRoom = () => {
    while (byId.size >= maxRecords) forget(byId.keys().next().value!);
    while (creations >= maxRecords) {
      const [subscriptionId, times] = created.entries().next().value!;
      times.shift();
      creations -= 1;
      if (!times.length) created.delete(subscriptionId);
    }
  };

  return {
    async add(record, limits) {
      checkAdd(record, limits);
      const { now } = limits;
      const waiting = pendingOf(record.subscriptionId, now);
      const same = waiting.find((other) => emailKey(other.email) === emailKey(record.email));
      if (same) return { outcome: 'existing', record: { ...same } };
      if (waiting.length >= limits.maxPending) return { outcome: 'too-many-pending' };
      const today = createdToday(record.subscriptionId, now);
      if (today.length >= limits.maxPerDay) return { outcome: 'too-many-today' };
      makeRoom();
      const stored = invitationRecord(record);
      byId.set(stored.id, stored);
      pending.set(stored.subscriptionId, (pending.get(stored.subscriptionId) ?? new Set()).add(stored.id));
      created.set(stored.subscriptionId, [...(created.get(stored.subscriptionId) ?? []), stored.createdAt]);
      creations += 1;
      return { outcome: 'added', record: { ...stored } };
    },
    async get(id, now) {
      const record = unexpired(id, now);
      return record && { ...record };
    },
    async list(subscriptionId, now) {
      return sortOldestFirst(pendingOf(subscriptionId, now).map((record) => ({ ...record })));
    },
    async take(id, now) {
      const record = unexpired(id, now);
      forget(id);
      return record && { ...record };
    },
  };
}
