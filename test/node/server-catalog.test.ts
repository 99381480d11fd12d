// Catalog validation (every error names the bad path), loading from a file, and the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CatalogError, CatalogFileError, loadCatalog, validateCatalog } from '../../src/server/catalog.ts';
import { ServerOptionsError, startServer } from '../../src/server/index.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function mutated(change: (catalog: any) => void): unknown {
  const catalog = testCatalog();
  change(catalog);
  return catalog;
}

/** The CatalogError a catalog is refused with (its message names its path). */
function catalogError(raw: unknown): CatalogError {
  try {
    validateCatalog(raw);
  } catch (error) {
    assert.ok(error instanceof CatalogError, String(error));
    assert.ok(error.message.includes(error.path), 'the message names the path');
    return error;
  }
  assert.fail('the catalog was accepted');
}

const errorPath = (raw: unknown) => catalogError(raw).path;

describe('catalog validation', () => {
  it('accepts the demo catalog and the test catalog', () => {
    const demo = loadCatalog();
    assert.equal(demo.products[0].slug, 'acme-analytics');
    assert.equal(demo.products[0].levers.filter((lever) => lever.type === 'metered').length, 3);
    const test = validateCatalog(testCatalog());
    assert.equal(test.products.length, 2);
  });

  const cases: [string, (catalog: any) => void, string][] = [
    ['an entitlement of the wrong type', (c) => (c.products[0].plans[2].entitlements.sso = 'yes'), 'products[0].plans[2].entitlements.sso'],
    ['an entitlement for an unknown lever', (c) => (c.products[0].plans[2].entitlements.seats = 5), 'products[0].plans[2].entitlements.seats'],
    ['a negative metered limit', (c) => (c.products[0].plans[0].entitlements['api-calls'] = -1), "products[0].plans[0].entitlements.api-calls"],
    ['a list with a number', (c) => (c.products[0].plans[1].entitlements['export-formats'] = ['csv', 3]), 'products[0].plans[1].entitlements.export-formats'],
    ['an infinite numeric value', (c) => (c.products[0].plans[1].entitlements.dashboards = Number.POSITIVE_INFINITY), 'products[0].plans[1].entitlements.dashboards'],
    ['an unknown lever type', (c) => (c.products[0].levers[3].type = 'percent'), 'products[0].levers[3].type'],
    ['an unknown reset period', (c) => (c.products[0].levers[0].reset = 'hour'), 'products[0].levers[0].reset'],
    ['a reset on a non-metered lever', (c) => (c.products[0].levers[3].reset = 'day'), 'products[0].levers[3].reset'],
    ['a duplicate plan slug', (c) => (c.products[0].plans[1].slug = 'free'), 'products[0].plans[1].slug'],
    ['a duplicate lever slug', (c) => (c.products[1].levers[1].slug = 'feature'), 'products[1].levers[1].slug'],
    ['a duplicate product slug', (c) => (c.products[1].slug = 'acme-analytics'), 'products[1].slug'],
    ['a plan without a name', (c) => delete c.products[0].plans[4].name, 'products[0].plans[4].name'],
    ['a bad max_subscribers', (c) => (c.products[0].plans[0].max_subscribers = 0), 'products[0].plans[0].max_subscribers'],
    ['a non-boolean is_public', (c) => (c.products[0].plans[0].is_public = 'yes'), 'products[0].plans[0].is_public'],
    ['missing organization', (c) => delete c.organization, 'organization'],
    ['no clients', (c) => (c.clients = []), 'clients'],
    ['a client without secret', (c) => delete c.clients[1].client_secret, 'clients[1].client_secret'],
    ['scopes that are not strings', (c) => (c.clients[0].scopes = ['usage:read', 1]), 'clients[0].scopes[1]'],
    ['an unknown scope (a typo)', (c) => (c.clients[2].scopes = ['usage:write', 'usage:raed']), 'clients[2].scopes[1]'],
    ['customer metadata nested too deep', (c) => (c.customers[0].metadata = JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40))), 'customers[0].metadata'],
    ['a duplicate client id', (c) => (c.clients[1].client_id = 'demo-client'), 'clients[1].client_id'],
    ['a subscription to an unknown plan', (c) => (c.customers[1].subscriptions[0].plan = 'gold'), 'customers[1].subscriptions[0].plan'],
    ['a subscription to an unknown product', (c) => (c.customers[0].subscriptions[0].product = 'nope'), 'customers[0].subscriptions[0].product'],
    ['a customer id that is not a uuid', (c) => (c.customers[2].id = 'linus'), 'customers[2].id'],
    ['a duplicate alternative_id', (c) => (c.customers[3].alternative_id = 'ada@example.com'), 'customers[3].alternative_id'],
    ['a client id with ":" (it would split Basic credentials)', (c) => (c.clients[1].client_id = 'a:b'), 'clients[1].client_id'],
    ['an empty client secret', (c) => (c.clients[1].client_secret = ''), 'clients[1].client_secret'],
    ['a duplicate email (in another case)', (c) => (c.customers[3].email = 'ADA@example.com'), 'customers[3].email'],
    ['metadata that is not an object', (c) => (c.customers[0].metadata = 'x'), 'customers[0].metadata'],
    ['products that are not an array', (c) => (c.products = {}), 'products'],
  ];
  for (const [name, change, path] of cases) {
    it(`names the path of ${name}: ${path}`, () => {
      assert.equal(errorPath(mutated(change)), path);
    });
  }

  it('says what it expected, and keeps customer uuids in lower case', async () => {
    assert.throws(() => validateCatalog(mutated((c) => (c.clients[1].client_id = 'a:b'))), /clients\[1\]\.client_id: expected a non-empty string without ":"/);
    assert.throws(() => validateCatalog(mutated((c) => (c.clients[1].client_secret = ''))), /clients\[1\]\.client_secret: expected a non-empty string$/);
    const upper = '0F0E0D0C-0B0A-4908-8706-050403020100';
    assert.equal(validateCatalog(mutated((c) => (c.customers[2].id = upper))).customers[2].id, upper.toLowerCase());
  });

  it('says what it expected of a slug, an array and an integer', () => {
    const message = (change: (catalog: any) => void) => catalogError(mutated(change)).message;
    for (const bad of ['-leading', 'has space', 'tail!', '']) {
      assert.equal(message((c) => (c.products[1].slug = bad)), 'Invalid catalog at products[1].slug: expected a slug (letters, digits, "-", "_", ".")', bad);
    }
    assert.doesNotThrow(() => validateCatalog(mutated((c) => (c.products[1].slug = 'ok.Slug_2-x'))));
    assert.equal(message((c) => (c.clients = {})), 'Invalid catalog at clients: expected an array');
    assert.equal(message((c) => (c.clients[1].scopes = 'usage:read')), 'Invalid catalog at clients[1].scopes: expected an array');
    assert.equal(
      message((c) => (c.clients[1].scopes = ['usage:raed'])),
      'Invalid catalog at clients[1].scopes[0]: unknown scope "usage:raed" (known: customers:read, customers:write, subscriptions:read, subscriptions:write, entitlements:read, usage:read, usage:write)',
    );
    assert.equal(message((c) => (c.products[0].plans[2].entitlements.seats = 5)), 'Invalid catalog at products[0].plans[2].entitlements.seats: no lever "seats" in this product');
    assert.equal(message((c) => (c.products[0].plans[0].max_subscribers = 0)), 'Invalid catalog at products[0].plans[0].max_subscribers: expected an integer >= 1');
  });

  it('rejects a root that is not an object', () => {
    assert.equal(errorPath([]), '');
    assert.throws(() => validateCatalog(null), /Invalid catalog at \(root\)/);
  });

  it('startServer rejects an invalid catalog, a missing file and a file that is not JSON', async () => {
    await assert.rejects(startServer({ catalog: mutated((c) => (c.products[0].plans[2].entitlements.seats = 1)) as object }), (error: unknown) => {
      assert.ok(error instanceof CatalogError);
      assert.equal(error.path, 'products[0].plans[2].entitlements.seats');
      return true;
    });
    await assert.rejects(startServer({ catalog: join(tmpdir(), 'no-such-catalog.json') }), CatalogError);
    const folder = mkdtempSync(join(tmpdir(), 'catalog-'));
    const broken = join(folder, 'broken.json');
    writeFileSync(broken, '{ not json');
    await assert.rejects(startServer({ catalog: broken }), (error: unknown) => {
      assert.ok(error instanceof CatalogFileError);
      assert.equal(error.file, broken);
      assert.match(error.message, /^The catalog file \S+broken\.json is not valid JSON \(/);
      return true;
    });
  });

  it('a catalog file that is missing or unreadable: the message names its absolute path, the OS code and the built-in fallback', async () => {
    // What a new app passing the README's old example got: a path relative to its own folder.
    const relative = join('no-such-folder', 'catalog.json');
    await assert.rejects(startServer({ catalog: relative }), (error: unknown) => {
      assert.ok(error instanceof CatalogFileError);
      assert.equal(error.file, resolve(relative));
      assert.equal(
        error.message,
        `Cannot read the catalog file ${resolve(relative)}: it does not exist (ENOENT). ` +
          'Leave out the catalog option (CLI: --catalog) to use the built-in demo catalog.',
      );
      return true;
    });
    const folder = mkdtempSync(join(tmpdir(), 'catalog-'));
    await assert.rejects(startServer({ catalog: folder }), new RegExp(`^CatalogFileError: Cannot read the catalog file ${folder}: it is a folder \\(EISDIR\\)\\. Leave out the catalog option`));
  });

  it('startServer rejects when its port is taken', async () => {
    const first = await startServer({ catalog: testCatalog() });
    try {
      const port = Number(new URL(first.url).port);
      await assert.rejects(startServer({ catalog: testCatalog(), port }), (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE');
    } finally {
      await first.close();
    }
  });

  it('startServer loads a catalog from a path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'catalog-'));
    const file = join(folder, 'catalog.json');
    writeFileSync(file, JSON.stringify(testCatalog()));
    const server = await startServer({ catalog: file });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(server.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(server.url, `http://127.0.0.1:${server.port}`);
      const response = await fetch(`${server.url}/api/v1/public/acme/markup-product/plans`);
      assert.equal(response.status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('server options', () => {
  for (const option of ['tokenTtlSeconds', 'heartbeatMs'] as const) {
    it(`rejects a ${option} that is not a positive finite number, naming the option`, async () => {
      for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number]) {
        await assert.rejects(startServer({ [option]: value }), (error: unknown) => {
          assert.ok(error instanceof ServerOptionsError, String(error));
          assert.match((error as Error).message, new RegExp(`^${option} must be a positive finite number`));
          return true;
        }, `${option}: ${String(value)}`);
      }
      const server = await startServer({ [option]: 0.5 });
      await server.close();
    });
  }
});

describe('CLI', () => {
  function runCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => output };
  }

  it('starts on the given port with the given catalog and prints the URL', async () => {
    const cli = runCli(['--port', '0', '--catalog', 'demo/catalog.json']);
    try {
      let url: string | undefined;
      for (let attempt = 0; attempt < 300 && !url; attempt += 1) {
        url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output())?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(url, `no URL printed: ${cli.output()}`);
      const health = await fetch(`${url}/api/v1/health`);
      assert.equal(health.status, 200);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('exits with 1 and names the option for a zero or non-numeric heartbeat or token TTL', async () => {
    for (const [args, expected] of [
      [['--heartbeat-ms', '0'], /heartbeatMs must be a positive finite number/],
      [['--token-ttl', '0'], /tokenTtlSeconds must be a positive finite number/],
      [['--token-ttl', 'soon'], /--token-ttl expects a number/],
    ] as const) {
      const cli = runCli(['--port', '0', ...args]);
      assert.equal(await cli.exited, 1, args.join(' '));
      assert.match(cli.output(), expected);
    }
  });

  it('exits with 1 and names the bad path for an invalid catalog', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'catalog-'));
    const file = join(folder, 'bad.json');
    writeFileSync(file, JSON.stringify(mutated((c) => (c.products[0].levers[0].reset = 'hour'))));
    const cli = runCli(['--port', '0', '--catalog', file]);
    assert.equal(await cli.exited, 1);
    assert.match(cli.output(), /products\[0\]\.levers\[0\]\.reset/);
  });

  it('exits with 1 and names the absolute path of a missing catalog and the built-in fallback', async () => {
    const cli = runCli(['--port', '0', '--catalog', 'no-such-folder/catalog.json']);
    assert.equal(await cli.exited, 1);
    assert.match(cli.output(), new RegExp(`^Cannot read the catalog file ${join(ROOT, 'no-such-folder', 'catalog.json')}: it does not exist \\(ENOENT\\)\\. Leave out the catalog option \\(CLI: --catalog\\) to use the built-in demo catalog\\.`));
  });
});
