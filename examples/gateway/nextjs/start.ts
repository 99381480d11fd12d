// How the tests run this app: the real Next.js CLI, `next dev --port 0`, in a process of its own
// (Next's dev server keeps file watchers that would hold a test process open). Here it answers in
// a few seconds, while `next build` alone takes about 35 s. In production: `next build` then
// `next start`, with the same environment.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { RecipeOptions, RunningHost } from '../common.ts';

const APP_DIR = fileURLToPath(new URL('.', import.meta.url));
const NEXT_BIN = createRequire(import.meta.url).resolve('next/dist/bin/next');
const READY_TIMEOUT_MS = 60_000;
const MAX_LOG_CHARS = 20_000;

export async function startNextHost(options: RecipeOptions): Promise<RunningHost> {
  const child = spawn(process.execPath, [NEXT_BIN, 'dev', '--port', '0', '--hostname', '127.0.0.1'], {
    cwd: APP_DIR,
    // The app reads its configuration from the environment, as a deployed Next.js app does.
    env: {
      ...process.env,
      PLANSHIP_API_URL: options.apiUrl,
      PLANSHIP_CLIENT_ID: options.clientId,
      PLANSHIP_CLIENT_SECRET: options.clientSecret,
      SESSION_SECRET: options.sessionSecret,
      ...(options.redisUrl && { REDIS_URL: options.redisUrl }),
      NEXT_TELEMETRY_DISABLED: '1',
    },
    // Its own process group: `next dev` starts a server process of its own, stopped with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`next dev did not start within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      log = (log + chunk).slice(-MAX_LOG_CHARS);
      const local = /Local:\s+(http:\/\/\S+)/.exec(log);
      if (local) (clearTimeout(timer), resolve(local[1]));
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then(([code]) => (clearTimeout(timer), reject(new Error(`next dev exited (${code}):\n${log}`))));
  });
  return {
    url,
    async close() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
