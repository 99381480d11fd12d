// The real Redis and PostgreSQL the write-lock and invitation-store tests run against: the ones
// `npm test` started for the run (PLANSHIP_TEST_REDIS_URL, PLANSHIP_TEST_POSTGRES_URL), or, for a
// file run on its own, ones this file starts (and stops after its tests). Clients made here are
// closed after the file's tests, and each file's keys and tables carry a prefix of their own.
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import { createClient } from 'redis';
import { startPostgres, startRedis, type RunningStore } from '../../scripts/stores.mjs';

/** What the tests left behind (their keys and tables), then the clients, then the servers. */
const testCleanups: (() => Promise<unknown>)[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  const bounded = (cleanup: () => Promise<unknown>) => withinTest(cleanup(), 10_000, 'a cleanup after the tests').catch((error) => console.error(error));
  for (const cleanup of testCleanups.splice(0)) await bounded(cleanup);
  // Last in, first out: clients (one made by a test's cleanup too) before the servers they talk to.
  while (cleanups.length) await bounded(cleanups.pop()!);
});

async function storeUrl(variable: string, start: () => Promise<RunningStore>): Promise<string> {
  const given = process.env[variable];
  if (given) return given;
  const store = await start();
  cleanups.push(() => store.stop());
  process.env[variable] = store.url;
  return store.url;
}

let redisUrl: Promise<string> | undefined;
let postgresUrl: Promise<string> | undefined;
export const testRedisUrl = () => (redisUrl ??= storeUrl('PLANSHIP_TEST_REDIS_URL', () => startRedis({ log: console.error })));
export const testPostgresUrl = () => (postgresUrl ??= storeUrl('PLANSHIP_TEST_POSTGRES_URL', () => startPostgres({ log: console.error })));

export type RedisClient = ReturnType<typeof createClient>;

/** A connected node-redis client (one per simulated gateway process), closed after the file's tests. */
export async function redisClient(): Promise<RedisClient> {
  const client = createClient({ url: await testRedisUrl() });
  // node-redis reports connection trouble as 'error' events: a test that breaks a connection on purpose expects them.
  client.on('error', () => {});
  await client.connect();
  cleanups.push(() => client.close());
  return client;
}

/** A pg Pool (one per simulated gateway process), ended after the file's tests. */
export async function postgresPool(options: pg.PoolConfig = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: await testPostgresUrl(), max: 10, ...options });
  // A connection the test ends on purpose surfaces here while idle.
  pool.on('error', () => {});
  cleanups.push(() => pool.end());
  return pool;
}

/** Runs `cleanup` after the file's tests, before the clients close (a test's keys and tables, say). */
export const afterTests = (cleanup: () => Promise<unknown>) => void testCleanups.push(cleanup);

/** A prefix (keys, customer ids, table names) no other test file or run shares. */
export const uniquePrefix = (label: string) => `${label}_${randomBytes(5).toString('hex')}`;

/** `promise`, or a failure naming `what` after `ms` (a test waits for nothing without a limit). */
export function withinTest<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A promise the test resolves by hand (a held work's release, a "now inside" signal). */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
