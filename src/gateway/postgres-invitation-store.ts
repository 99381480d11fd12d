// Pending invitations in PostgreSQL, shared by every gateway process: one row per pending
// invitation, and one per creation in a second table (the daily limit counts cancelled and
// accepted invitations too). Adding runs in a transaction holding an advisory lock on the
// subscription, so limits hold across processes; taking is one DELETE ... RETURNING. Expired
// invitations and day-old creations are pruned as the store goes.
import { checkAdd, DAY_MS, emailKey, invitationRecord, sortOldestFirst, type InvitationRecord, type InvitationStore } from './invitation-store.ts';
import { connectWithin, HeldConnection, type PgPool } from './postgres-pool.ts';
import { positiveOption, StoreTimeoutError } from './time-limit.ts';

export interface PostgresInvitationStoreOptions {
  /** The table of pending invitations (created if missing); `<table>_created` holds the day's creations. Default `planship_invitations`. */
  table?: string;
  /** How long one store call may take, a pool connection included; default 5 000. */
  timeoutMs?: number;
}

interface Row {
  id: string;
  subscription_id: string;
  inviter_customer_id: string;
  email: string;
  is_administrator: boolean;
  created_at: number;
  expires_at: number;
}

const COLUMNS = 'id, subscription_id, inviter_customer_id, email, is_administrator, created_at, expires_at';

const fromRow = (row: Row): InvitationRecord => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  inviterCustomerId: row.inviter_customer_id,
  email: row.email,
  isAdministrator: row.is_administrator,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/** Other subscriptions' leftovers are pruned at most this often (each add prunes its own subscription). */
const PRUNE_EVERY_MS = 60_000;

export function postgresInvitationStore(pool: PgPool, options: PostgresInvitationStoreOptions = {}): InvitationStore {
  if (typeof pool?.connect !== 'function') throw new Error('postgresInvitationStore needs a pg Pool (new Pool() from the pg package)');
  const table = options.table ?? 'planship_invitations';
  // Table names cannot be query parameters: only plain lower-case identifiers go into the SQL.
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(table)) throw new Error(`table must be a plain lower-case SQL name (letters, digits, _), not ${JSON.stringify(table)}`);
  const created = `${table}_created`;
  const timeoutMs = positiveOption('timeoutMs', options.timeoutMs, 5_000);
  let schema: Promise<void> | undefined;
  let prunedAt = -Infinity;

  /** Runs `use` on a pool connection; the whole call, connection included, within timeoutMs. */
  async function withConnection<T>(use: (connection: HeldConnection) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const late = () => new StoreTimeoutError(`PostgreSQL did not answer within ${timeoutMs} ms`);
    const connection = new HeldConnection(await connectWithin(pool, timeoutMs, late), () => deadline - Date.now());
    try {
      await (schema ??= createTables(connection).catch((error) => {
        schema = undefined;
        throw error;
      }));
      return await use(connection);
    } finally {
      connection.release();
    }
  }

  async function transaction<T>(connection: HeldConnection, body: () => Promise<T>): Promise<T> {
    await connection.query('BEGIN');
    try {
      const result = await body();
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.rollback();
      throw error;
    }
  }

  /** Once per store; under an advisory lock, as two processes creating one table at once can fail. */
  function createTables(connection: HeldConnection): Promise<void> {
    return transaction(connection, async () => {
      await connection.advisoryLock('invitations-schema', table);
      await connection.query(`CREATE TABLE IF NOT EXISTS ${table} (
        id text PRIMARY KEY,
        subscription_id text NOT NULL,
        inviter_customer_id text NOT NULL,
        email text NOT NULL,
        email_key text NOT NULL,
        is_administrator boolean NOT NULL,
        created_at double precision NOT NULL,
        expires_at double precision NOT NULL)`);
      await connection.query(`CREATE INDEX IF NOT EXISTS ${table}_subscription ON ${table} (subscription_id, created_at)`);
      await connection.query(`CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table} (expires_at)`);
      await connection.query(`CREATE TABLE IF NOT EXISTS ${created} (subscription_id text NOT NULL, created_at double precision NOT NULL)`);
      await connection.query(`CREATE INDEX IF NOT EXISTS ${created}_subscription ON ${created} (subscription_id, created_at)`);
      await connection.query(`CREATE INDEX IF NOT EXISTS ${created}_at ON ${created} (created_at)`);
    });
  }

  /** Every subscription's expired invitations and day-old creations, now and then. */
  async function pruneAll(connection: HeldConnection, now: number): Promise<void> {
    if (Date.now() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = Date.now();
    await connection.query(`DELETE FROM ${table} WHERE expires_at <= $1`, [now]);
    await connection.query(`DELETE FROM ${created} WHERE created_at <= $1`, [now - DAY_MS]);
  }

  return {
    async add(record, limits) {
      checkAdd(record, limits);
      const { now } = limits;
      const subscription = record.subscriptionId;
      return withConnection(async (connection) => {
        const result = await transaction(connection, async () => {
          await connection.advisoryLock('invitations', subscription);
          await connection.query(`DELETE FROM ${table} WHERE subscription_id = $1 AND expires_at <= $2`, [subscription, now]);
          const [same] = await connection.query(`SELECT ${COLUMNS} FROM ${table} WHERE subscription_id = $1 AND email_key = $2 LIMIT 1`, [subscription, emailKey(record.email)]);
          if (same) return { outcome: 'existing' as const, record: fromRow(same) };
          const [{ pending }] = await connection.query(`SELECT count(*)::int AS pending FROM ${table} WHERE subscription_id = $1`, [subscription]);
          if (pending >= limits.maxPending) return { outcome: 'too-many-pending' as const };
          await connection.query(`DELETE FROM ${created} WHERE subscription_id = $1 AND created_at <= $2`, [subscription, now - DAY_MS]);
          const [{ today }] = await connection.query(`SELECT count(*)::int AS today FROM ${created} WHERE subscription_id = $1`, [subscription]);
          if (today >= limits.maxPerDay) return { outcome: 'too-many-today' as const };
          await connection.query(`INSERT INTO ${table} (${COLUMNS}, email_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
            record.id,
            subscription,
            record.inviterCustomerId,
            record.email,
            record.isAdministrator,
            record.createdAt,
            record.expiresAt,
            emailKey(record.email),
          ]);
          await connection.query(`INSERT INTO ${created} (subscription_id, created_at) VALUES ($1, $2)`, [subscription, record.createdAt]);
          return { outcome: 'added' as const, record: invitationRecord(record) };
        });
        await pruneAll(connection, now).catch(() => {});
        return result;
      });
    },
    async get(id, now) {
      const [row] = await withConnection((connection) => connection.query(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1 AND expires_at > $2`, [id, now]));
      return row && fromRow(row);
    },
    async list(subscriptionId, now) {
      const rows = await withConnection((connection) =>
        connection.query(`SELECT ${COLUMNS} FROM ${table} WHERE subscription_id = $1 AND expires_at > $2 ORDER BY created_at`, [subscriptionId, now]),
      );
      // Ties in the same order as the other stores (ids compared as JavaScript does, not by collation).
      return sortOldestFirst(rows.map(fromRow));
    },
    async take(id, now) {
      const [row] = await withConnection((connection) => connection.query(`DELETE FROM ${table} WHERE id = $1 RETURNING ${COLUMNS}`, [id]));
      return row && row.expires_at > now ? fromRow(row) : undefined;
    },
  };
}
