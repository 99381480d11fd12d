// The data file (`startServer({ dataFile })`): a restart keeps every piece of state a caller can
// see; a file that cannot be used stops the server with an error naming it and is left as it was;
// writes are coalesced. Crashes mid-write and the CLI are in server-data-crash.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataFileError, DataFileWriter, MAX_DATA_FILE_BYTES } from '../../src/server/data-file.ts';
import { ServerOptionsError } from '../../src/server/index.ts';
import { PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'planship-data-')), 'data.json');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

async function restart(api: TestApi, file: string): Promise<TestApi> {
  await api.server.close();
  return startTestServer({ dataFile: file });
}

/** Everything a caller can read about these customers and subscriptions, plus the list and the export. */
async function view(api: TestApi, customers: string[], subscriptions: [customer: string, subscription: string][]) {
  const read = async (path: string) => {
    const answer = await api.admin('GET', path);
    return { status: answer.status, body: answer.text };
  };
  const result: Record<string, unknown> = {
    list: await read('/api/v1/customers?limit=100&sorting=created_at'),
    export: await read('/api/v1/customers/export'),
  };
  for (const id of customers) {
    result[`state ${id}`] = await read(`/api/v1/customers/${id}/state`);
    result[`subscriptions ${id}`] = await read(`/api/v1/customers/${id}/subscriptions`);
    result[`entitlements ${id}`] = await read(`/api/v1/customers/${id}/products/${PRODUCT}/entitlements`);
    result[`usage ${id}`] = await read(`/api/v1/customers/${id}/products/${PRODUCT}/levers/api-calls/usage`);
  }
  for (const [customer, subscription] of subscriptions) {
    result[`members ${subscription}`] = await read(`/api/v1/customers/${customer}/subscriptions/${subscription}/customers`);
  }
  return result;
}

describe('data file: a restart keeps the state', () => {
  it('a missing file is created at start from the catalog, readable by its owner only', async () => {
    const file = freshFile();
    const api = await startTestServer({ dataFile: file });
    try {
      const data = readJson(file);
      assert.equal(data.format, 'planship-portal-data');
      assert.equal(data.version, 1);
      assert.equal(data.organization, 'acme');
      assert.ok(data.customers.some((customer: any) => customer.alternative_id === 'ada@example.com'));
      assert.equal(data.products, undefined, 'products, plans and levers stay in the catalog');
      assert.equal(statSync(file).mode & 0o077, 0);
      assert.equal((await api.admin('GET', '/api/v1/customers/ada@example.com')).status, 200);
    } finally {
      await api.server.close();
    }
  });

  it('keeps customers, subscriptions with their members, usage, deletions and the clock', async () => {
    const file = freshFile();
    let api = await startTestServer({ dataFile: file });
    try {
      const owner = await api.createCustomer({ plan: 'pro' });
      const member = await api.createCustomer();
      const deleted = await api.createCustomer({ plan: 'starter' });
      assert.equal((await api.admin('PATCH', `/api/v1/customers/${owner.id}`, { metadata: { team: 'blue', seats: 3 } })).status, 200);
      const added = await api.admin('POST', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`, {
        customer_id: member.id,
        is_administrator: false,
        metadata: { role: 'analyst' },
      });
      assert.equal(added.status, 200, added.text);
      // The member starts a subscription of its own later: its list (in the order it joined) is kept.
      const own = await api.admin('POST', `/api/v1/products/${PRODUCT}/plans/free/subscriptions`, { customer_id: member.id });
      assert.equal(own.status, 200, own.text);
      assert.equal((await api.admin('PATCH', `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}`, { renew_plan_slug: 'business' })).status, 200);
      for (const [usage, bucket] of [[120, 'eu'], [30, null], [7, 'us'], [3, 'eu']] as const) {
        assert.equal((await api.reportUsage(owner.id, 'api-calls', usage, bucket === null ? {} : { bucket })).status, 200);
      }
      assert.equal((await api.reportUsage(owner.id, 'ai-insights', 2)).status, 200);
      assert.equal((await api.admin('DELETE', `/api/v1/customers/${deleted.id}?anonymize=true`)).status, 200);
      const moved = await api.advanceClock(3 * 86_400);
      const offset = Date.parse(moved.body.now) - Date.now();

      const customers = [owner.id, member.id, '182788a7-cf1c-5082-9a83-065621796451'];
      const subscriptions: [string, string][] = [[owner.id, owner.subscriptionId], [member.id, own.body.id]];
      const before = await view(api, customers, subscriptions);
      const entitlementsBefore = (await api.entitlements(owner.id)).body;
      assert.equal(entitlementsBefore['api-calls'], 100_000 - 160, 'the metered lever counts the usage');

      api = await restart(api, file);

      assert.deepEqual(await view(api, customers, subscriptions), before);
      assert.deepEqual((await api.entitlements(owner.id)).body, entitlementsBefore);
      assert.deepEqual((await api.entitlements(member.id)).body, (await api.entitlements(owner.id)).body, 'the member shares the usage');
      // The deleted customer stays deleted: 404, its alternative id and email are free again.
      assert.equal((await api.admin('GET', `/api/v1/customers/${deleted.id}`)).status, 404);
      const again = await api.admin('POST', '/api/v1/customers', { alternative_id: deleted.alternativeId, email: deleted.alternativeId });
      assert.equal(again.status, 200, again.text);
      // Emulated time goes on from where it was: the clock's offset survives.
      const now = Date.parse((await api.advanceClock(0)).body.now);
      assert.ok(Math.abs(now - Date.now() - offset) < 60_000, `offset ${now - Date.now()} ms, was ${offset}`);
      // New usage counts on top of the old.
      assert.equal((await api.reportUsage(owner.id, 'api-calls', 40)).status, 200);
      assert.equal((await api.entitlements(owner.id)).body['api-calls'], 100_000 - 200);
    } finally {
      await api.server.close();
    }
  });

  it('a change right before close() is written by close()', async () => {
    const file = freshFile();
    let api = await startTestServer({ dataFile: file });
    try {
      const customer = await api.createCustomer();
      const patched = api.admin('PATCH', `/api/v1/customers/${customer.id}`, { name: 'Last words' });
      assert.equal((await patched).status, 200);
      api = await restart(api, file);
      assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}`)).body.name, 'Last words');
    } finally {
      await api.server.close();
    }
  });

  it('idempotent answers replay after a restart; a customer token answer (a credential) does not', async () => {
    const file = freshFile();
    let api = await startTestServer({ dataFile: file });
    try {
      const headers = { 'idempotency-key': 'create-once' };
      const body = { alternative_id: 'replayed@example.com', email: 'replayed@example.com' };
      const first = await api.admin('POST', '/api/v1/customers', body, headers);
      assert.equal(first.status, 200);
      const tokenHeaders = { 'idempotency-key': 'token-once' };
      const token = await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: first.body.id }, tokenHeaders);
      assert.equal(token.status, 200);
      assert.ok(!readFileSync(file, 'utf8').includes(token.body.access_token), 'no token in the file');

      api = await restart(api, file);

      const replay = await api.admin('POST', '/api/v1/customers', body, headers);
      assert.equal(replay.status, 200);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.text, first.text);
      assert.equal((await api.admin('POST', '/api/v1/customers', { ...body, name: 'other' }, headers)).status, 409, 'another body under the key');
      const newToken = await api.admin('POST', '/api/v1/auth/customer-token', { customer_id: first.body.id }, tokenHeaders);
      assert.equal(newToken.status, 200);
      assert.equal(newToken.headers.get('idempotent-replayed'), null, 'minted anew');
      assert.equal((await api.call('GET', `/api/v1/customers/me/subscriptions`, { token: newToken.body.access_token })).status, 200);
      assert.equal((await api.call('GET', `/api/v1/customers/me/subscriptions`, { token: token.body.access_token })).status, 401, 'tokens live in memory only');
    } finally {
      await api.server.close();
    }
  });

  it('a renewal that falls due while the server is down happens at the next start', async () => {
    const file = freshFile();
    let api = await startTestServer({ dataFile: file });
    try {
      const customer = await api.createCustomer({ plan: 'starter' });
      assert.equal((await api.admin('PATCH', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`, { renew_plan_slug: 'pro' })).status, 200);
      await api.server.close();
      // 40 days pass while it is down: the data file's clock offset is moved by hand.
      const data = readJson(file);
      data.clock.offset_ms += 40 * 86_400_000;
      writeFileSync(file, JSON.stringify(data));
      api = await startTestServer({ dataFile: file });
      const subscription = await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`);
      assert.equal(subscription.body.plan.slug, 'pro');
      await api.server.close();
      api = await startTestServer({ dataFile: file });
      assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}/subscriptions/${customer.subscriptionId}`)).body.plan.slug, 'pro', 'the renewal was written');
    } finally {
      await api.server.close();
    }
  });
});

describe('data file: a file that cannot be used stops the server', () => {
  /** A valid data file with a few customers, subscriptions and usage, as parsed JSON. */
  async function validData(): Promise<any> {
    const file = freshFile();
    const api = await startTestServer({ dataFile: file });
    const customer = await api.createCustomer({ plan: 'pro' });
    await api.reportUsage(customer.id, 'api-calls', 5);
    await api.server.close();
    return readJson(file);
  }

  /** Writes `text`, starts a server on it, expects a DataFileError naming the file, and checks the file is untouched. */
  async function refused(text: string | Buffer, expected: RegExp): Promise<string> {
    const file = freshFile();
    writeFileSync(file, text);
    const bytes = readFileSync(file);
    let message = '';
    await assert.rejects(startTestServer({ dataFile: file }), (error: unknown) => {
      assert.ok(error instanceof DataFileError, String(error));
      assert.equal(error.file, file);
      assert.ok(error.message.startsWith(`Data file ${file}: `), error.message);
      assert.match(error.message, expected);
      message = error.message;
      return true;
    });
    assert.deepEqual(readFileSync(file), bytes, 'the file is left as it was');
    return message;
  }

  it('refuses garbage, truncated JSON and an empty file', async () => {
    const data = JSON.stringify(await validData());
    await refused('this is not JSON', /: it is not valid JSON \(Unexpected token/);
    const message = await refused(data.slice(0, Math.floor(data.length / 2)), /: it is not valid JSON \(/);
    assert.match(message, /Nothing was loaded or changed: fix the file, or move it away to start from the catalog\.$/);
    await refused('', /: it is empty\./);
  });

  it('refuses another version, another format (a catalog passed by mistake) and another organization', async () => {
    const data = await validData();
    await refused(JSON.stringify({ ...data, version: 2 }), /: version: version 2 is not one this server reads \(it reads 1\)/);
    await refused(JSON.stringify({ ...data, version: undefined }), /: version: version missing is not one/);
    await refused(readFileSync(new URL('../../demo/catalog.json', import.meta.url)), /: format: not a planship-portal data file \(no "format": "planship-portal-data"\); it looks like a catalog/);
    await refused(JSON.stringify({ ...data, organization: 'globex' }), /: organization: the data is of organization "globex", the catalog's is "acme"/);
  });

  it('refuses a subscription to a plan or product the catalog no longer has, naming the plan', async () => {
    const data = await validData();
    const index = data.subscriptions.length - 1;
    data.subscriptions[index].plan = 'gold';
    await refused(JSON.stringify(data), new RegExp(`: subscriptions\\[${index}\\]\\.plan: the catalog has no plan "gold" in product "acme-analytics"`));
    data.subscriptions[index].plan = 'pro';
    data.subscriptions[index].renew_plan = 'platinum';
    await refused(JSON.stringify(data), /\.renew_plan: the catalog has no plan "platinum"/);
    data.subscriptions[index].product = 'globex-mail';
    await refused(JSON.stringify(data), /\.product: the catalog has no product "globex-mail"/);
  });

  it('refuses wrong shapes and data the lookups cannot hold, naming where', async () => {
    const cases: [string, (data: any) => void, RegExp][] = [
      ['customers that are not an array', (d) => (d.customers = {}), /: customers: expected an array/],
      ['a customer id that is not a uuid', (d) => (d.customers[0].id = 'ada'), /: customers\[0\]\.id: expected a lower-case uuid/],
      ['a duplicate email among live customers', (d) => (d.customers[1].email = d.customers[0].email.toUpperCase()), /: customers\[1\]\.email: duplicate email/],
      ['a duplicate alternative id', (d) => (d.customers[1].alternative_id = d.customers[0].alternative_id), /: customers\[1\]\.alternative_id: duplicate/],
      ['a member that is not a customer', (d) => (d.subscriptions[0].members[0].customer_id = '00000000-0000-4000-8000-000000000000'), /: subscriptions\[0\]\.members\[0\]\.customer_id: no live customer/],
      ['a membership the customer does not list', (d) => (d.customers[0].subscriptions = []), /: subscriptions\[0\]\.members\[0\]: customer "[0-9a-f-]+" does not list this subscription/],
      ['a listed subscription without the membership', (d) => d.customers[4].subscriptions.push(d.subscriptions[0].id), /: customers\[4\]\.subscriptions\[0\]: not a member of subscription/],
      ['a boolean that is a string', (d) => (d.subscriptions[0].is_active = 'yes'), /: subscriptions\[0\]\.is_active: expected true or false/],
      ['usage on a day that is not a UTC midnight', (d) => (d.usage[0].buckets[0].days[0][0] += 1), /: usage\[0\]: day \d+ is not a UTC midnight/],
      ['a negative usage amount', (d) => (d.usage[0].buckets[0].days[0][1] = -5), /: usage\[0\]: amount -5 is not a whole number >= 0/],
      ['an idempotent answer that was not a success', (d) => d.idempotency.push({ key: 'k', caller: 'c', digest: 'd', status: 500, text: '{}', expires_at: 1 }), /: idempotency\[0\]\.status: expected a whole number from 200 to 299/],
      ['a clock offset that is not a number', (d) => (d.clock.offset_ms = 'soon'), /: clock\.offset_ms: expected a number/],
    ];
    const data = await validData();
    for (const [name, change, expected] of cases) {
      const copy = structuredClone(data);
      change(copy);
      await refused(JSON.stringify(copy), expected).catch((error: Error) => assert.fail(`${name}: ${error.message}`));
    }
  });

  it('refuses a file nested too deep before parsing it (V8 would parse it, then fail to write it)', async () => {
    const data = await validData();
    data.customers[0].metadata = { deep: 'PLACEHOLDER' };
    const text = JSON.stringify(data).replace('"PLACEHOLDER"', '['.repeat(100_000) + ']'.repeat(100_000));
    await refused(text, /: it nests deeper than 40 levels \(in "customers"\)/);
  });

  it(`refuses a file over ${MAX_DATA_FILE_BYTES / 1024 / 1024} MiB before reading it`, async () => {
    const file = freshFile();
    writeFileSync(file, '');
    truncateSync(file, MAX_DATA_FILE_BYTES + 1024 * 1024); // sparse: no disk used
    await assert.rejects(startTestServer({ dataFile: file }), (error: unknown) => {
      assert.ok(error instanceof DataFileError);
      assert.match(error.message, new RegExp(`^Data file ${file}: it has 257 MiB, more than the 256 MiB a data file may have\\.`));
      return true;
    });
  });

  it('a folder that does not exist, a folder as the file and a dataFile that is not a path are refused', async () => {
    const missing = join(tmpdir(), 'no-such-folder-for-planship', 'data.json');
    await assert.rejects(startTestServer({ dataFile: missing }), new RegExp(`^DataFileError: Data file ${missing}: it does not exist and cannot be created \\(ENOENT\\)`));
    assert.ok(!existsSync(missing));
    const folder = mkdtempSync(join(tmpdir(), 'planship-data-'));
    await assert.rejects(startTestServer({ dataFile: folder }), /: it is not a file\./);
    for (const bad of ['', ' ', 7]) {
      await assert.rejects(startTestServer({ dataFile: bad as string }), (error: unknown) => error instanceof ServerOptionsError && /^dataFile must be the path of a file/.test(error.message));
    }
  });

  it('a leftover temporary file next to it is ignored', async () => {
    const file = freshFile();
    let api = await startTestServer({ dataFile: file });
    const kept = await api.createCustomer();
    await api.server.close();
    // What a crash mid-write leaves: a half-written temporary file of another process.
    writeFileSync(`${file}.99999.tmp`, readFileSync(file, 'utf8').slice(0, 100));
    api = await startTestServer({ dataFile: file });
    try {
      assert.equal((await api.admin('GET', `/api/v1/customers/${kept.id}`)).status, 200);
    } finally {
      await api.server.close();
    }
  });
});

describe('data file: writes', () => {
  it('follow changes, not token mints, refusals or reads (each write renames a new file into place)', async () => {
    const file = freshFile();
    let api = await startTestServer({ dataFile: file });
    // A new file each write: inode numbers can be reused, inode and modification time together not.
    const written = () => `${statSync(file).ino}@${statSync(file).mtimeMs}`;
    const created = written();
    try {
      const customer = await api.createCustomer();
      await api.server.close();
      const changed = written();
      assert.notEqual(changed, created, 'a change is written');
      api = await startTestServer({ dataFile: file });
      await api.productToken();
      await api.customerToken(customer.id);
      assert.equal((await api.admin('POST', '/api/v1/customers', { alternative_id: customer.alternativeId })).status, 409);
      assert.equal((await api.admin('GET', `/api/v1/customers/${customer.id}`)).status, 200);
      await api.server.close();
      assert.equal(written(), changed, 'nothing written');
    } finally {
      await api.server.close();
    }
  });

  it('are coalesced: one write in flight, the changes made meanwhile in one more', async () => {
    const file = freshFile();
    let serialized = 0;
    let state = 0;
    const writer = new DataFileWriter(file, () => `{"writes":${(serialized += 1)},"state":${state}}`, () => {});
    for (state = 1; state <= 100; state += 1) writer.changed();
    await writer.flush();
    assert.equal(serialized, 1, '100 changes in one tick: one write');
    assert.deepEqual(readJson(file), { writes: 1, state: 101 });

    writer.changed();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(serialized, 2, 'the write started');
    for (let change = 0; change < 50; change += 1) writer.changed();
    await writer.flush();
    assert.equal(serialized, 3, '50 changes during a write: one more write');
    await writer.flush();
    assert.equal(serialized, 3, 'nothing changed: no write');
  });

  it('a write that fails keeps the last good file, is logged, and makes flush() reject', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'planship-data-'));
    const file = join(folder, 'data.json');
    const logged: string[] = [];
    let text = '{"good":true}';
    const writer = new DataFileWriter(file, () => text, (message) => logged.push(message));
    writer.changed();
    await writer.flush();
    // A folder where the temporary file should go makes the next write fail.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${file}.${process.pid}.tmp`);
    text = '{"good":false}';
    writer.changed();
    await assert.rejects(writer.flush(), new RegExp(`^DataFileError: Data file ${file}: the last state could not be written \\(EISDIR\\)`));
    assert.deepEqual(readJson(file), { good: true });
    assert.match(logged[0], /could not write the data file .*data\.json \(EISDIR\); it keeps the last state written/);
  });
});
