// The data file through the CLI (`--data`), and crashes: a server killed (SIGKILL) while it writes
// its data file continuously leaves a file that loads, with at least the last state seen written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BASIC, PRODUCT, startTestServer } from './server-helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = async () => {
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const found = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (found) return found;
      await sleep(25);
    }
    throw new Error(`no URL printed: ${output}`);
  };
  return { child, exited, url, output: () => output };
}

const post = (url: string, path: string, body: unknown) =>
  fetch(url + path, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('data file from the CLI', () => {
  it('--data keeps the state across a stop (SIGTERM) and a start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'planship-data-')), 'data.json');
    const first = runCli(['--data', file]);
    const url = await first.url();
    assert.match(first.output(), new RegExp(`state kept in ${file}\\)`));
    const created = await post(url, '/api/v1/customers', { alternative_id: 'cli@example.com', name: 'From the CLI' });
    assert.equal(created.status, 200);
    first.child.kill('SIGTERM');
    assert.deepEqual(await first.exited, { code: 0, signal: null });

    const second = runCli(['--data', file]);
    try {
      const answer = await fetch(`${await second.url()}/api/v1/customers/cli@example.com`, { headers: { authorization: BASIC } });
      assert.equal(answer.status, 200);
      assert.equal((await answer.json()).name, 'From the CLI');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('exits with 1 and names the file when it cannot be used, or when --data has no path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'planship-data-')), 'data.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '{"format": "planship-portal-data", "version": 7}');
    const corrupt = runCli(['--data', file]);
    assert.equal((await corrupt.exited).code, 1);
    assert.match(corrupt.output(), new RegExp(`^Data file ${file}: version: version 7 is not one this server reads`));
    const bare = runCli(['--data']);
    assert.equal((await bare.exited).code, 1);
    assert.match(bare.output(), /^--data expects a file path/);
  });
});

describe('data file: a crash mid-write', () => {
  it('a server killed while it writes leaves a file that loads, with at least the last state seen written', { timeout: 60_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'planship-data-')), 'data.json');
    // Large customers make long writes, so that the kill lands in one.
    const padding = 'x'.repeat(30_000);
    let killedMidWrite = 0;
    let counter = 0;
    for (let round = 0; round < 3; round += 1) {
      const cli = runCli(['--data', file]);
      let stop = false;
      const workers: Promise<void>[] = [];
      let seen: number;
      try {
        const url = await cli.url();
        const temporary = `${file}.${cli.child.pid}.tmp`;
        const worker = async () => {
          while (!stop) {
            try {
              const id = `crash-${(counter += 1)}@example.com`;
              const created = await post(url, '/api/v1/customers', { alternative_id: id, metadata: { padding } });
              const customer = (await created.json()).id;
              await post(url, `/api/v1/products/${PRODUCT}/plans/starter/subscriptions`, { customer_id: customer });
              await post(url, `/api/v1/customers/${customer}/products/${PRODUCT}/usage/api-calls`, { usage: 1 });
            } catch {
              return; // killed
            }
          }
        };
        for (let index = 0; index < 6; index += 1) workers.push(worker());
        await sleep(300 + round * 100);
        // The last state seen written (a reader sees whole files only: renames are atomic).
        seen = JSON.parse(readFileSync(file, 'utf8')).customers.length;
        // Kill while a write is under way, if one can be caught within a second.
        const deadline = Date.now() + 1000;
        while (!existsSync(temporary) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
        cli.child.kill('SIGKILL');
        if (existsSync(temporary)) killedMidWrite += 1;
      } finally {
        cli.child.kill('SIGKILL');
        stop = true;
        await cli.exited;
        await Promise.all(workers);
      }

      const api = await startTestServer({ dataFile: file, catalog: undefined });
      try {
        const list = await api.admin('GET', '/api/v1/customers?limit=1');
        assert.equal(list.status, 200);
        assert.ok(list.body.pagination.total_count >= seen, `round ${round}: ${list.body.pagination.total_count} customers, ${seen} seen written`);
        // Consistent: the newest subscription's customer, its entitlements and the export read back.
        const data = JSON.parse(readFileSync(file, 'utf8'));
        const subscribed = data.subscriptions.at(-1).members[0].customer_id;
        assert.equal((await api.entitlements(subscribed)).status, 200);
        assert.equal((await api.admin('GET', '/api/v1/customers/export')).status, 200);
      } finally {
        await api.server.close();
      }
    }
    assert.ok(killedMidWrite > 0, 'at least one kill landed while a temporary file was being written');
  });
});
