// Idempotency-Key on POSTs: a retried request with the same key (from the same caller, to the
// same method and path) is applied once and answered with the first result. Only successful
// answers are remembered, so a retry after a failure really retries.
// Memory is bounded in bytes, not entries (issue 12): an entry keeps its key, a SHA-256 of the
// request body (never the body) and the answer's JSON text; one caller keeps at most
// MAX_BYTES_PER_CALLER, everyone together MAX_BYTES, and the oldest entries make room first.
import { createHash } from 'node:crypto';
import { conflict } from './errors.ts';

/** What the first request answered: its status and its JSON text. */
export interface StoredReply {
  status: number;
  text: string;
}

interface Entry {
  caller: string;
  digest: string;
  reply?: StoredReply;
  pending?: Promise<StoredReply>;
  expiresAt: number;
  bytes: number;
  /** false: kept in memory only (the answer holds a token, which a restart forgets anyway). */
  durable: boolean;
}

/** A remembered answer as a data file keeps it. */
export interface IdempotencyState {
  key: string;
  caller: string;
  digest: string;
  reply: StoredReply;
  expiresAt: number;
}

/** Everything kept for every caller. */
export const MAX_BYTES = 16 * 1024 * 1024;
/** Everything kept for one caller; a larger answer is sent but not remembered. */
export const MAX_BYTES_PER_CALLER = 1024 * 1024;
const TTL_MS = 24 * 3600 * 1000;
/** Maps, the entry object and the digest, roughly. */
const ENTRY_OVERHEAD_BYTES = 256;

export class IdempotencyCache {
  /** In insertion order, so the first entries are the oldest (and the first to expire). */
  private entries = new Map<string, Entry>();
  /** Keys of each caller's entries, oldest first. */
  private byCaller = new Map<string, Set<string>>();
  private callerBytes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly now: () => number) {}

  clear(): void {
    this.entries = new Map();
    this.byCaller = new Map();
    this.callerBytes = new Map();
    this.bytes = 0;
  }

  /** Bytes kept now (what the bounds count). */
  get size(): number {
    return this.bytes;
  }

  /**
   * Runs `execute` once per key of `caller`. `body` is the request body: the same key with another
   * body is a client bug and answers 409. `durable: false` keeps the answer out of the data file.
   */
  async run(
    caller: string,
    key: string,
    body: string,
    execute: () => Promise<StoredReply>,
    options: { durable?: boolean } = {},
  ): Promise<{ reply: StoredReply; replayed: boolean }> {
    const digest = createHash('sha256').update(body).digest('base64');
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > this.now()) {
      if (existing.digest !== digest) throw conflict('Idempotency-Key was already used with a different request');
      if (existing.reply) return { reply: existing.reply, replayed: true };
      if (existing.pending) {
        // A retry that arrives while the first attempt is still running waits for its answer.
        try {
          return { reply: await existing.pending, replayed: true };
        } catch {
          /* the first attempt failed: this one runs for real below */
        }
      }
    }
    const entry: Entry = { caller, digest, expiresAt: this.now() + TTL_MS, bytes: 0, durable: options.durable ?? true };
    const pending = execute();
    entry.pending = pending;
    this.remember(key, entry);
    try {
      const reply = await pending;
      // Still ours: not evicted, nor replaced by a retry that ran after this one failed.
      if (this.entries.get(key) === entry) {
        if (reply.status >= 200 && reply.status < 300) {
          entry.reply = reply;
          this.resize(key, entry, Buffer.byteLength(reply.text));
        } else this.forget(key);
      }
      return { reply, replayed: false };
    } catch (error) {
      if (this.entries.get(key) === entry) this.forget(key);
      throw error;
    } finally {
      entry.pending = undefined;
    }
  }

  /** The answers a data file keeps: finished, durable and not expired, oldest first. */
  *durableEntries(): IterableIterator<IdempotencyState> {
    const now = this.now();
    for (const [key, { caller, digest, reply, expiresAt, durable }] of this.entries) {
      if (reply && durable && expiresAt > now) yield { key, caller, digest, reply, expiresAt };
    }
  }

  /** Takes back what durableEntries() gave, oldest first; the byte bounds apply as to new answers. */
  restore(state: IdempotencyState): void {
    if (state.expiresAt <= this.now()) return;
    const entry: Entry = { caller: state.caller, digest: state.digest, reply: state.reply, expiresAt: state.expiresAt, bytes: 0, durable: true };
    this.remember(state.key, entry);
    this.resize(state.key, entry, Buffer.byteLength(state.reply.text));
  }

  private remember(key: string, entry: Entry): void {
    this.forget(key);
    this.entries.set(key, entry);
    let keys = this.byCaller.get(entry.caller);
    if (!keys) this.byCaller.set(entry.caller, (keys = new Set()));
    keys.add(key);
    this.resize(key, entry, 0);
  }

  /** Counts the entry at its key plus `replyBytes`, then makes room (the entry itself may go). */
  private resize(key: string, entry: Entry, replyBytes: number): void {
    const bytes = ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key) + replyBytes;
    this.adjust(entry.caller, bytes - entry.bytes);
    entry.bytes = bytes;
    this.dropExpired();
    const keys = this.byCaller.get(entry.caller)!;
    for (const oldest of keys) {
      if ((this.callerBytes.get(entry.caller) ?? 0) <= MAX_BYTES_PER_CALLER) break;
      this.forget(oldest);
    }
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= MAX_BYTES) break;
      this.forget(oldest);
    }
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.forget(key);
    }
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.byCaller.get(entry.caller)!;
    keys.delete(key);
    if (keys.size === 0) this.byCaller.delete(entry.caller);
    this.adjust(entry.caller, -entry.bytes);
  }

  private adjust(caller: string, delta: number): void {
    this.bytes += delta;
    const bytes = (this.callerBytes.get(caller) ?? 0) + delta;
    if (bytes > 0) this.callerBytes.set(caller, bytes);
    else this.callerBytes.delete(caller);
  }
}
