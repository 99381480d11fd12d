// Idempotency-Key on POSTs: a retried request with the same key (from the same caller, to the
// same method and path) is applied once and answered with the first result. Only successful
// answers are remembered, so a retry after a failure really retries.
import { conflict } from './errors.ts';

export interface StoredReply {
  status: number;
  body: unknown;
}

interface Entry {
  fingerprint: string;
  reply?: StoredReply;
  pending?: Promise<StoredReply>;
  expiresAt: number;
}

const MAX_ENTRIES = 100_000;
const TTL_MS = 24 * 3600 * 1000;

export class IdempotencyCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  clear(): void {
    this.entries = new Map();
  }

  /**
   * Runs `execute` once per key. `fingerprint` identifies the request body: the same key with
   * another body is a client bug and answers 409.
   */
  async run(key: string, fingerprint: string, execute: () => Promise<StoredReply>): Promise<{ reply: StoredReply; replayed: boolean }> {
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > this.now()) {
      if (existing.fingerprint !== fingerprint) throw conflict('Idempotency-Key was already used with a different request');
      if (existing.reply) return { reply: existing.reply, replayed: true };
      if (existing.pending) {
        try {
          return { reply: await existing.pending, replayed: true };
        } catch {
          /* the first attempt failed: this one runs for real below */
        }
      }
    }
    const entry: Entry = { fingerprint, expiresAt: this.now() + TTL_MS };
    const pending = execute();
    entry.pending = pending;
    this.remember(key, entry);
    try {
      const reply = await pending;
      if (reply.status >= 200 && reply.status < 300) entry.reply = reply;
      else this.entries.delete(key);
      return { reply, replayed: false };
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    } finally {
      entry.pending = undefined;
    }
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
  }
}
