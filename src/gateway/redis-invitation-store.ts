// Pending invitations in Redis (or Valkey), shared by every gateway process. Per subscription: a
// hash of its pending invitations (id to JSON) and a sorted set of the day's creation times; per
// invitation: a key naming its subscription, for lookups by id. Adding (limits included) and
// taking are one Lua script each, so they are atomic; every key expires when nothing in it is
// still needed, so nothing lingers.
import { checkAdd, DAY_MS, emailKey, invitationRecord, sortOldestFirst, type AddResult, type InvitationRecord, type InvitationStore } from './invitation-store.ts';
import type { RedisLockClient } from './redis-write-lock.ts';
import { positiveOption, StoreTimeoutError, within } from './time-limit.ts';

/** What the store needs of a client: node-redis v5's `createClient()` has it. */
export type RedisStoreClient = Pick<RedisLockClient, 'eval'>;

export interface RedisInvitationStoreOptions {
  /** Before every key; default `planship:invitations:`. */
  prefix?: string;
  /** How long one Redis command may take; default 5 000. */
  timeoutMs?: number;
}

/** What is kept of an invitation: the record, and its email as compared. */
type Stored = InvitationRecord & { emailKey: string };

// KEYS: pending hash, creations sorted set, id key. ARGV: id, document, email key, now,
// maxPending, maxPerDay, expiresAt, createdAt, day length, subscription id.
const ADD = `
local now = tonumber(ARGV[4])
local pending = 0
local latest = tonumber(ARGV[7])
local documents = redis.call('HGETALL', KEYS[1])
for i = 1, #documents, 2 do
  local invitation = cjson.decode(documents[i + 1])
  if invitation.expiresAt <= now then
    redis.call('HDEL', KEYS[1], documents[i])
  else
    if invitation.emailKey == ARGV[3] then return {'existing', documents[i + 1]} end
    pending = pending + 1
    if invitation.expiresAt > latest then latest = invitation.expiresAt end
  end
end
if pending >= tonumber(ARGV[5]) then return {'too-many-pending'} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - tonumber(ARGV[9])))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) then return {'too-many-today'} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', latest))
redis.call('ZADD', KEYS[2], ARGV[8], ARGV[1])
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
redis.call('PEXPIREAT', KEYS[2], string.format('%.0f', tonumber(newest) + tonumber(ARGV[9])))
redis.call('SET', KEYS[3], ARGV[10])
redis.call('PEXPIREAT', KEYS[3], ARGV[7])
return {'added'}`;

// KEYS: pending hash, id key. ARGV: id. Exactly one of two concurrent takes finds the field.
const TAKE = `
local document = redis.call('HGET', KEYS[1], ARGV[1])
if not document then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return document`;

const GET = `return redis.call('GET', KEYS[1])`;
const HGET = `return redis.call('HGET', KEYS[1], ARGV[1])`;
const HVALS = `return redis.call('HVALS', KEYS[1])`;

export function redisInvitationStore(client: RedisStoreClient, options: RedisInvitationStoreOptions = {}): InvitationStore {
  if (typeof client?.eval !== 'function') throw new Error('redisInvitationStore needs a node-redis client (createClient() from the redis package)');
  const prefix = options.prefix ?? 'planship:invitations:';
  const timeoutMs = positiveOption('timeoutMs', options.timeoutMs, 5_000);
  const pendingKey = (subscriptionId: string) => `${prefix}pending:${subscriptionId}`;
  const createdKey = (subscriptionId: string) => `${prefix}created:${subscriptionId}`;
  const idKey = (id: string) => `${prefix}id:${id}`;
  const run = (script: string, keys: string[], args: string[] = []) =>
    within(client.eval(script, { keys, arguments: args }), timeoutMs, () => new StoreTimeoutError(`Redis did not answer within ${timeoutMs} ms`));
  const parse = (document: unknown) => invitationRecord(JSON.parse(String(document)) as Stored);
  const unexpired = (record: InvitationRecord | undefined, now: number) => (record && record.expiresAt > now ? record : undefined);
  /** The subscription an invitation belongs to (its key expires with it). */
  const subscriptionOf = async (id: string) => (await run(GET, [idKey(id)])) as string | null;

  return {
    async add(record, limits) {
      checkAdd(record, limits);
      const stored: Stored = { ...invitationRecord(record), emailKey: emailKey(record.email) };
      const answer = (await run(
        ADD,
        [pendingKey(record.subscriptionId), createdKey(record.subscriptionId), idKey(record.id)],
        [
          record.id,
          JSON.stringify(stored),
          stored.emailKey,
          String(limits.now),
          String(limits.maxPending),
          String(limits.maxPerDay),
          // Whole milliseconds: PEXPIREAT takes no fractions.
          String(Math.ceil(record.expiresAt)),
          String(Math.ceil(record.createdAt)),
          String(DAY_MS),
          record.subscriptionId,
        ],
      )) as [AddResult['outcome'], string?];
      const [outcome, existing] = answer;
      if (outcome === 'added') return { outcome, record: invitationRecord(record) };
      if (outcome === 'existing') return { outcome, record: parse(existing) };
      return { outcome };
    },
    async get(id, now) {
      const subscriptionId = await subscriptionOf(id);
      if (subscriptionId === null) return undefined;
      const document = await run(HGET, [pendingKey(subscriptionId)], [id]);
      return document === null ? undefined : unexpired(parse(document), now);
    },
    async list(subscriptionId, now) {
      const documents = (await run(HVALS, [pendingKey(subscriptionId)])) as string[];
      return sortOldestFirst(documents.map(parse).filter((record) => record.expiresAt > now));
    },
    async take(id, now) {
      const subscriptionId = await subscriptionOf(id);
      if (subscriptionId === null) return undefined;
      const document = await run(TAKE, [pendingKey(subscriptionId), idKey(id)], [id]);
      return document === null ? undefined : unexpired(parse(document), now);
    },
  };
}
