// The attacks of issue 12, scripted, with figures: `node --import tsx bench/attacks.ts
// [--root DIR] [--only name,...]`. DIR is the source tree to attack (default: this one), so the
// same script measures a tree before and after a change. Each attack gets a fresh server in a
// process of its own (bench/attack-server.ts); results print as JSON lines (status 0: the
// connection was dropped before a whole answer came). Takes a few minutes.
// Not part of `npm run bench`: it deliberately loads the machine (600 MiB of uploads, hundreds of
// stalled sockets).
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { BASIC } from '../test/fixtures/backend-call.ts';
import { ROOT, fromRoot } from './root.ts';
import { summarize } from './stats.ts';

const { values } = parseArgs({ options: { root: { type: 'string' }, only: { type: 'string' } } });
const root = values.root ?? ROOT;
const only = values.only?.split(',');
const PRODUCT = 'acme-analytics';
const MiB = 1024 * 1024;

interface Target {
  url: string;
  wsUrl: string;
  port: number;
  child: ChildProcess;
}

async function startTarget(): Promise<Target> {
  const child = fork(fromRoot('bench/attack-server.ts'), [root], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise<{ url: string; wsUrl: string; port: number }>((resolve) => child.once('message', (message) => resolve(message as never)));
  return { ...info, child };
}

function ask<T>(target: Target, message: string, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (answer: any) => {
      if (!(key in answer)) return;
      target.child.off('message', listener);
      resolve(answer[key]);
    };
    target.child.on('message', listener);
    target.child.send(message);
  });
}

const memory = (target: Target) => ask<NodeJS.MemoryUsage>(target, 'memory', 'memory');
const stop = (target: Target) => new Promise<void>((resolve) => (target.child.once('exit', () => resolve()), target.child.send('close')));
const mb = (bytes: number) => Math.round(bytes / MiB);

// --- HTTP over keep-alive connections -----------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(target: Target, method: string, path: string, options: { body?: string | object; authorization?: string; headers?: Record<string, string> } = {}) {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise<{ status: number; text: string; json: any }>((resolve) => {
    const headers: Record<string, string> = { authorization: options.authorization ?? BASIC, ...options.headers };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    const outgoing = request({ agent, hostname: '127.0.0.1', port: target.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      // An answer cut off midway (a stream that failed after its headers): status 0.
      response.on('aborted', () => resolve({ status: 0, text: '', json: undefined }));
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          /* CSV or empty */
        }
        resolve({ status: response.statusCode ?? 0, text, json });
      });
    });
    outgoing.on('error', () => resolve({ status: 0, text: '', json: undefined }));
    outgoing.end(body);
  });
}

async function customer(target: Target, plan?: string, product = PRODUCT) {
  const unique = `attack-${Math.random().toString(36).slice(2, 10)}`;
  const created = await call(target, 'POST', '/api/v1/customers', { body: { alternative_id: unique, email: `${unique}@example.com` } });
  const id = created.json.id as string;
  const subscribed = plan ? await call(target, 'POST', `/api/v1/products/${product}/plans/${plan}/subscriptions`, { body: { customer_id: id, max_subscribers: 10 } }) : undefined;
  const token = (await call(target, 'POST', '/api/v1/auth/customer-token', { body: { customer_id: id } })).json.access_token as string;
  return { id, token, bearer: `Bearer ${token}`, subscriptionId: subscribed?.json.id as string };
}

const usagePath = (id: string, metering = 'api-calls', product = PRODUCT) => `/api/v1/customers/${id}/products/${product}/usage/${metering}`;

function socketTo(target: Target, id: string, token: string, product = PRODUCT): Promise<WebSocket> {
  const socket = new WebSocket(`${target.wsUrl}/api/v1/ws/customers/${id}/products/${product}/entitlements?token=${token}`, { maxPayload: 64 * MiB });
  return new Promise((resolve) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', () => resolve(socket));
  });
}

/** Times GET entitlements of `id` until `until()` says stop; the latencies in ms. */
async function readLatencies(target: Target, id: string, until: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (!until()) {
    const started = performance.now();
    await call(target, 'GET', `/api/v1/customers/${id}/products/${PRODUCT}/entitlements`);
    samples.push(performance.now() - started);
  }
  return samples;
}

// --- the attacks ------------------------------------------------------------------------------------

const attacks: Record<string, (target: Target) => Promise<Record<string, unknown>>> = {
  async '1-deep-metadata'(target) {
    const deep = '{"a":'.repeat(5999) + '{}' + '}'.repeat(5999);
    const owner = await customer(target, 'business');
    const victim = await customer(target);
    const members = `/api/v1/customers/${owner.id}/subscriptions/${owner.subscriptionId}/customers`;
    const planted = await call(target, 'POST', members, { authorization: owner.bearer, body: `{"customer_id": "${victim.id}", "metadata": ${deep}}` });
    const create = await call(target, 'POST', '/api/v1/customers', { body: `{"alternative_id": "deep-one", "metadata": ${deep}}` });
    // Stored unless the lookup is a clean 404 (a 500 means it is there but cannot be read).
    const stored = (await call(target, 'GET', '/api/v1/customers/external/deep-one')).status !== 404;
    const reads: Record<string, number> = {};
    for (const [name, path] of Object.entries({
      victimSubscriptions: `/api/v1/customers/${victim.id}/subscriptions`,
      adminMemberList: members,
      customerList: '/api/v1/customers?limit=100',
      csvExport: '/api/v1/customers/export',
    })) reads[name] = (await call(target, 'GET', path)).status;
    return { bodyBytes: deep.length, plantOnOtherCustomer: planted.status, customerCreate: create.status, createStored: stored, reads };
  },

  async '2-usage-exactness'(target) {
    const levelOf = async (id: string) => (await call(target, 'GET', `/api/v1/customers/${id}/products/${PRODUCT}/levers/api-calls/usage`)).json.total as number;
    const reporter = (id: string) => (usage: number) => call(target, 'POST', usagePath(id), { body: { usage } });
    /** Reports `amount` in one go, or (when one report may not carry that much) in chunks of 1e12. */
    const fill = async (id: string, amount: number) => {
      const report = reporter(id);
      if ((await report(amount)).status === 200) return;
      const chunks = Array.from({ length: Math.floor(amount / 1e12) }, () => 1e12);
      if (amount % 1e12) chunks.push(amount % 1e12);
      for (let start = 0; start < chunks.length; start += 64) await Promise.all(chunks.slice(start, start + 64).map(report));
    };
    const a = await customer(target, 'business');
    const oneHugeReport = (await reporter(a.id)(2 ** 53 - 1)).status;
    // Past 2^53-1: "then 1,1,1,1,2,3" (9 more) on a total of exactly 2^53-1.
    const b = await customer(target, 'business');
    await fill(b.id, 2 ** 53 - 1);
    const pastStatuses = [];
    for (const usage of [1, 1, 1, 1, 2, 3]) pastStatuses.push((await reporter(b.id)(usage)).status);
    const pastTotal = await levelOf(b.id);
    // A period reset after a saturated month: 100 reported next month.
    const c = await customer(target, 'business');
    await fill(c.id, 2 ** 53 - 1);
    const now = new Date((await call(target, 'POST', '/__emulator/clock', { body: { advance_seconds: 0 } })).json.now);
    await call(target, 'POST', '/__emulator/clock', { body: { advance_seconds: (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - now.getTime()) / 1000 + 60 } });
    const nextPeriod = (await reporter(c.id)(100)).status;
    return {
      oneReportOf2pow53minus1: oneHugeReport,
      past2pow53minus1: { statuses: pastStatuses, total: pastTotal, acceptedSum: 2 ** 53 - 1 + pastStatuses.reduce((sum, status, index) => sum + (status === 200 ? [1, 1, 1, 1, 2, 3][index] : 0), 0) },
      nextPeriodAfterSaturation: { status: nextPeriod, total: await levelOf(c.id), reported: 100 },
    };
  },

  async '3-idempotency-memory'(target) {
    const a = await customer(target, 'business');
    const padding = 'x'.repeat(MiB - 100);
    const before = await memory(target);
    let accepted = 0;
    for (let index = 0; index < 600; index += 1) {
      const answer = await call(target, 'POST', usagePath(a.id), { authorization: a.bearer, body: { usage: 1, padding }, headers: { 'idempotency-key': `k-${index}` } });
      if (answer.status === 200) accepted += 1;
    }
    const after = await memory(target);
    return { requests: 600, accepted, heapGrowthMB: mb(after.heapUsed - before.heapUsed), rssGrowthMB: mb(after.rss - before.rss) };
  },

  async '4-buckets'(target) {
    const attacker = await customer(target, 'business');
    const other = await customer(target, 'pro');
    const socket = await socketTo(target, attacker.id, attacker.token);
    socket.on('message', () => {});
    const baselineEnd = performance.now() + 1000;
    const baseline = await readLatencies(target, other.id, () => performance.now() > baselineEnd);
    let created = 0;
    let refused = 0;
    let stopAt = performance.now() + 15_000;
    const flood = async (worker: number) => {
      for (let index = 0; performance.now() < stopAt; index += 1) {
        const answer = await call(target, 'POST', usagePath(attacker.id), { authorization: attacker.bearer, body: { usage: 1, bucket: `b-${worker}-${index}` } });
        if (answer.status === 200) created += 1;
        else refused += 1;
      }
    };
    const flooding = Promise.all(Array.from({ length: 8 }, (_, worker) => flood(worker)));
    const underAttack = await readLatencies(target, other.id, () => performance.now() > stopAt);
    await flooding;
    // After the flood: a read of the attacker's own usage, and another customer's read, on an idle server.
    stopAt = performance.now() + 1000;
    const afterFlood = await readLatencies(target, other.id, () => performance.now() > stopAt);
    socket.terminate();
    return {
      bucketsAccepted: created,
      refused,
      otherCustomerReadMs: { idle: summarize(baseline), duringFlood: summarize(underAttack), afterFlood: summarize(afterFlood) },
    };
  },

  async '5-sockets'(target) {
    const a = await customer(target, 'pro');
    const sockets = await Promise.all(Array.from({ length: 300 }, () => socketTo(target, a.id, a.token)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const openFromOneToken = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
    for (const socket of sockets) socket.terminate();

    // 100 sockets that never read (5 customers x 20), 64 KiB frames, 400 changes each.
    const stalled: Socket[] = [];
    const victims = await Promise.all(Array.from({ length: 5 }, () => customer(target, 'plan', 'wide')));
    for (const victim of victims) {
      for (let index = 0; index < 20; index += 1) stalled.push(await rawStalledSocket(target, victim.id, victim.token));
    }
    const other = await customer(target, 'pro');
    const before = await memory(target);
    let done = false;
    const reading = readLatencies(target, other.id, () => done);
    const started = performance.now();
    for (let round = 0; round < 400; round += 1) {
      await Promise.all(victims.map((victim) => call(target, 'POST', usagePath(victim.id, 'calls', 'wide'), { body: { usage: 1 } })));
    }
    const pushMs = performance.now() - started;
    done = true;
    const latencies = await reading;
    const after = await memory(target);
    for (const socket of stalled) socket.destroy();
    return {
      openFromOneToken,
      stalledSockets: stalled.length,
      changes: 2000,
      frameKiB: 64,
      rssGrowthMB: mb(after.rss - before.rss),
      heapPlusBuffersGrowthMB: mb(after.heapUsed + after.external - before.heapUsed - before.external),
      reportsTookMs: Math.round(pushMs),
      otherCustomerReadMs: summarize(latencies),
    };
  },

  async '5-half-open-requests'(target) {
    const started = performance.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(target.port, '127.0.0.1', () => socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      socket.on('data', () => {});
      socket.on('close', () => resolve(performance.now() - started));
      setTimeout(() => (socket.destroy(), resolve(Number.POSITIVE_INFINITY)), 120_000);
    });
    return { partialHeadersClosedAfterMs: Math.round(closedAfter) };
  },

  async '6-hooks-and-scopes'(target) {
    const readOnly = 'Basic ' + Buffer.from('reporting-client:reporting-secret').toString('base64');
    const metering = 'Basic ' + Buffer.from('metering-client:metering-secret').toString('base64');
    const statuses = {
      readOnlyReset: (await call(target, 'POST', '/__emulator/reset', { authorization: readOnly, body: {} })).status,
      meteringClock: (await call(target, 'POST', '/__emulator/clock', { authorization: metering, body: { advance_seconds: 1 } })).status,
      meteringSocketsClose: (await call(target, 'POST', '/__emulator/sockets/close', { authorization: metering, body: {} })).status,
    };
    const { startServer } = await import(`${root}/src/server/index.ts`);
    const { testCatalog } = await import('../test/fixtures/test-catalog.ts');
    const catalog = testCatalog();
    catalog.clients[2].scopes = ['usage:wirte'];
    let typoCatalog: string;
    try {
      const server = await startServer({ catalog, log: () => {} });
      typoCatalog = 'started';
      await server.close();
    } catch (error) {
      typoCatalog = (error as Error).message;
    }
    return { ...statuses, typoCatalog };
  },

  async '8-aborted-upload'(target) {
    const a = await customer(target, 'pro');
    const logsBefore = (await ask<string[]>(target, 'logs', 'logs')).length;
    const socket = connect(target.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST ${usagePath(a.id)} HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"usage": 1`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logs = (await ask<string[]>(target, 'logs', 'logs')).slice(logsBefore);
    const lines = logs.flatMap((entry) => entry.split('\n'));
    return { logEntries: logs.length, logLines: lines.length, firstLine: lines[0] };
  },
};

/** An upgraded entitlements socket over raw TCP that never reads another byte. */
async function rawStalledSocket(target: Target, id: string, token: string): Promise<Socket> {
  const socket = connect(target.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET /api/v1/ws/customers/${id}/products/wide/entitlements?token=${token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n` +
      'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise((resolve) => socket.once('data', resolve));
  socket.pause();
  return socket;
}

for (const [name, attack] of Object.entries(attacks)) {
  if (only && !only.some((wanted) => name.includes(wanted))) continue;
  const target = await startTarget();
  try {
    console.log(JSON.stringify({ attack: name, ...(await attack(target)) }));
  } finally {
    await stop(target);
  }
}
agent.destroy();
