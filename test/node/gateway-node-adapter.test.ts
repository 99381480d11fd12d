// The Node adapter keeps the host alive whatever a request looks like: methods a Fetch `Request`
// cannot carry (TRACE, TRACK, CONNECT), as plain requests and as upgrades, sent on raw sockets to
// a real node:http server; a body express.json() parsed that nests too deep; anything else that
// throws in the adapter is one 500 for the page and one log line for the host.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { rawExchange, signedInPerson, startGatewayHost, newUserId, type GatewayHost } from './gateway-helpers.ts';

const logged: string[] = [];
let host: GatewayHost;
before(async () => {
  host = await startGatewayHost({ log: (message) => logged.push(message) });
});
after(() => host.close());

const LIVE = '/planship/api/v1/ws/customers/me/products/acme-analytics/entitlements';

async function stillServes(origin: string): Promise<void> {
  const session = host.signIn({ id: newUserId() });
  const answer = await fetch(`${origin}/planship/api/v1/customers/me/subscriptions`, { headers: { cookie: `session=${session}` } });
  assert.equal(answer.status, 200, 'the host process still serves');
}

describe('methods a Fetch Request cannot carry', () => {
  it('TRACE: 405 {"detail": "Method Not Allowed"}, and the host keeps serving (Node 20 parses no TRACK: 400 before the handler)', async () => {
    const answer = await rawExchange(host.origin, 'TRACE /planship/api/v1/customers/me/subscriptions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 405 /);
    assert.ok(answer.includes('{"detail":"Method Not Allowed"}'), answer);
    await stillServes(host.origin);
  });

  it('CONNECT (node:http never hands it to the handler) leaves the host serving', async () => {
    await rawExchange(host.origin, `CONNECT ${new URL(host.origin).host} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await rawExchange(host.origin, `CONNECT /planship/api/v1/customers/me/subscriptions HTTP/1.1\r\nHost: x\r\n\r\n`);
    await stillServes(host.origin);
  });

  it('an upgrade that is not a GET (TRACE, POST) is refused with a 405 line and its socket closed', async () => {
    const session = host.signIn({ id: newUserId() });
    for (const method of ['TRACE', 'POST']) {
      const answer = await rawExchange(
        host.origin,
        `${method} ${LIVE} HTTP/1.1\r\nHost: x\r\nCookie: session=${session}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1\.1 405 Method Not Allowed\r\n/, method);
      assert.ok(answer.endsWith('{"detail":"Method Not Allowed"}'), answer);
    }
    await stillServes(host.origin);
  });
});

describe('bodies a framework parsed before the gateway', () => {
  async function expressHost(bodyParser: express.RequestHandler): Promise<{ origin: string; close: () => Promise<void> }> {
    const app = express();
    app.use(bodyParser);
    app.use('/planship', host.gateway.nodeHandler);
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('express.json() parsed a value 5,000 levels deep: 422 like a raw body, not an HTML 500', async () => {
    const app = await expressHost(express.json());
    try {
      const session = host.signIn({ id: newUserId() });
      const deep = '['.repeat(5_000) + ']'.repeat(5_000);
      const answer = await fetch(`${app.origin}/planship/api/v1/products/acme-analytics/plans/starter/subscriptions`, {
        method: 'POST',
        headers: { cookie: `session=${session}`, 'content-type': 'application/json', origin: app.origin },
        body: `{"customer_id": "me", "metadata": ${deep}}`,
      });
      assert.equal(answer.status, 422);
      assert.match(answer.headers.get('content-type') ?? '', /application\/json/);
      const { detail } = await answer.json();
      assert.equal(detail[0].type, 'too_deep');
      assert.deepEqual(detail[0].loc, ['body', 'metadata']);
      await stillServes(app.origin);
    } finally {
      await app.close();
    }
  });

  it('simulated fault: a parser hands over a body JSON cannot write (a BigInt): 500 {"detail"}, no stack, one log line', async () => {
    const bigIntParser: express.RequestHandler = (request, _response, next) => {
      request.resume();
      request.on('end', () => {
        request.body = { usage: 10n };
        next();
      });
    };
    const app = await expressHost(bigIntParser);
    try {
      const before = logged.length;
      const answer = await fetch(`${app.origin}/planship/api/v1/customers/me/subscriptions/x`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', origin: app.origin },
        body: '{}',
      });
      assert.equal(answer.status, 500);
      assert.deepEqual(await answer.json(), { detail: 'Internal Server Error' });
      const lines = logged.slice(before);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0], /unexpected TypeError on PATCH \/planship\/api\/v1\/customers\/me\/subscriptions\/x/);
      assert.doesNotMatch(lines[0], /\n\s+at /, 'no stack');
      await stillServes(app.origin);
    } finally {
      await app.close();
    }
  });

  it('express.raw() and express.text(): the body goes on as it was sent (bytes are not a JSON value)', async () => {
    for (const parser of [express.raw({ type: 'application/json' }), express.text({ type: 'application/json' })]) {
      const app = await expressHost(parser);
      try {
        const person = await signedInPerson(host);
        const answer = await fetch(`${app.origin}/planship/api/v1/products/acme-analytics/plans/pro/subscriptions`, {
          method: 'POST',
          headers: { cookie: `session=${person.session}`, 'content-type': 'application/json', origin: app.origin },
          body: JSON.stringify({ customer_id: 'me', max_subscribers: 2 }),
        });
        assert.equal(answer.status, 200, await answer.clone().text());
        assert.equal((await answer.json()).max_subscribers, 2);
      } finally {
        await app.close();
      }
    }
  });

  it('a body parser that set an empty body and left the stream unread (Express 4 for another type): the body sent goes on', async () => {
    const placeholder: express.RequestHandler = (request, _response, next) => {
      request.body ??= {};
      next();
    };
    const app = await expressHost(placeholder);
    try {
      const person = await signedInPerson(host, 'pro');
      const answer = await fetch(`${app.origin}/planship/api/v1/customers/me/subscriptions/${person.subscriptionId}`, {
        method: 'PATCH',
        headers: { cookie: `session=${person.session}`, 'content-type': 'application/json', origin: app.origin },
        body: JSON.stringify({ auto_renew: false }),
      });
      assert.equal(answer.status, 200, await answer.clone().text());
      assert.equal((await answer.json()).auto_renew, false);
    } finally {
      await app.close();
    }
  });
});
