#!/usr/bin/env node
// Real Redis and PostgreSQL servers for the tests (the write locks and invitation stores are
// tested against the real thing), each on a free loopback port with nothing kept on disk after
// stop(). Found on this machine, or installed from Debian's packages as root on Debian/Ubuntu,
// the way find-browser.mjs gets Chromium; elsewhere an Error names the install command.
// `node scripts/stores.mjs` starts both and prints their URLs until Ctrl-C.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function isDebianLike() {
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (folder && existsSync(join(folder, name))) return join(folder, name);
  }
  return undefined;
}

/** The newest PostgreSQL's bin folder under /usr/lib/postgresql (Debian's layout), else the PATH's. */
function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length) return join(root, versions[0], 'bin');
  const found = onPath('postgres');
  return found && onPath('initdb') ? found.slice(0, -'/postgres'.length) : undefined;
}

/** `locate()`'s answer, installing Debian's `apt` package when allowed; throws with the install command otherwise. */
function findOrInstall(what, locate, aptPackage, log) {
  const found = locate();
  if (found) return found;
  if (isRoot && isDebianLike()) {
    log(`No ${what} found: installing Debian's ${aptPackage} with apt-get...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => execFileSync('apt-get', ['install', '-y', '-qq', aptPackage], { stdio: 'inherit', env });
    try {
      install();
    } catch {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      install();
    }
    const installed = locate();
    if (installed) return installed;
  }
  throw new Error(
    `No ${what} found. Install it and try again, e.g.:\n` +
      `  sudo apt-get update && sudo apt-get install -y ${aptPackage}      (Debian/Ubuntu)\n` +
      (aptPackage === 'redis-server' ? '  brew install redis                                             (macOS)' : '  brew install postgresql                                        (macOS)'),
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A server process whose output is kept (for the error when it fails to start) and which gets
 * `stopSignal` when this process exits without stopping it (a failure, Ctrl-C on the runner).
 */
function startProcess(command, args, label, stopSignal, user = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const onExit = () => child.kill(stopSignal);
  process.once('exit', onExit);
  return {
    child,
    exited,
    output: () => output,
    label,
    async stop(signal = stopSignal) {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Resolves once `ready()` answers true; rejects if the process exits or START_TIMEOUT_MS passes. */
async function waitUntilReady(server, ready) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let ended;
  server.exited.then((how) => (ended = how));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`${server.label} exited (${ended.signal ?? `code ${ended.code}`}) while starting:\n${server.output()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`${server.label} did not accept connections within ${START_TIMEOUT_MS} ms:\n${server.output()}`);
}

/** One request/answer exchange over a fresh TCP connection, bounded in time. */
function exchange(port, request, answered) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received += chunk;
      if (answered(received)) done(true);
    });
  });
}

/** A Redis server for this run: `{ url, stop() }`. */
export async function startRedis({ log = console.log } = {}) {
  const binary = findOrInstall('redis-server', () => onPath('redis-server'), 'redis-server', log);
  const port = await freePort();
  // Nothing on disk: no snapshots, no append-only file.
  const server = startProcess(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'redis-server', 'SIGTERM');
  await waitUntilReady(server, () => exchange(port, 'PING\r\n', (text) => text.includes('+PONG')));
  return { url: `redis://127.0.0.1:${port}`, stop: () => server.stop() };
}

/** The `postgres` user's ids (the owner of the data folder when we run as root). */
function postgresUser(folder) {
  try {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    rmSync(folder, { recursive: true, force: true });
    throw new Error("As root, PostgreSQL runs as the `postgres` user, and there is none (Debian's postgresql package creates it).");
  }
}

/** A PostgreSQL server for this run, in a fresh folder (trust auth on loopback): `{ url, stop() }`. */
export async function startPostgres({ log = console.log } = {}) {
  const bin = findOrInstall('PostgreSQL (postgres and initdb)', postgresBin, 'postgresql', log);
  const folder = mkdtempSync(join(tmpdir(), 'planship-postgres-'));
  // initdb and postgres refuse to run as root: as root they run as the `postgres` user, in a folder it owns.
  const user = isRoot ? postgresUser(folder) : undefined;
  if (user) chownSync(folder, user.uid, user.gid);
  const data = join(folder, 'data');
  try {
    const initdb = [join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'];
    if (user) execFileSync('runuser', ['-u', 'postgres', '--', ...initdb], { stdio: ['ignore', 'pipe', 'pipe'] });
    else execFileSync(initdb[0], initdb.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error.stderr?.toString() || error.message}`);
  }
  const port = await freePort();
  // A throwaway server: no fsync, sockets in its own folder, TCP on loopback only. Started as the
  // user directly (not through runuser, which passes on SIGTERM only) so that SIGINT, PostgreSQL's
  // fast shutdown (sessions ended, no waiting for clients), reaches it.
  const args = ['-D', data, '-p', String(port), '-k', folder, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'];
  const server = startProcess(join(bin, 'postgres'), args, 'postgres', 'SIGINT', user);
  const cleanUp = () => rmSync(folder, { recursive: true, force: true });
  process.once('exit', cleanUp);
  const stop = async () => {
    await server.stop();
    process.removeListener('exit', cleanUp);
    cleanUp();
  };
  try {
    await waitUntilReady(server, async () => {
      await promisify(execFile)(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-t', '1']);
      return true;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  console.log(`PLANSHIP_TEST_REDIS_URL=${redis.url}`);
  console.log(`PLANSHIP_TEST_POSTGRES_URL=${postgres.url}`);
  console.log('Both run until Ctrl-C.');
  const stopBoth = async () => {
    await Promise.all([redis.stop(), postgres.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', stopBoth);
  process.once('SIGTERM', stopBoth);
}
