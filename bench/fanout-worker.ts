// Holds many entitlements sockets in its own thread (so the server's thread only serves), and
// records when each socket receives its first frame after the main thread arms it.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { epochNow } from './stats.ts';

export interface FanOutJob {
  /** One URL per socket. */
  socketUrls: string[];
}

export type FanOutMessage =
  | { type: 'open'; opened: number; failed: number; errors: string[] }
  | { type: 'armed' }
  | { type: 'frames'; arrivals: number[]; missing: number };

const job = workerData as FanOutJob;
const port = parentPort!;
const sockets: WebSocket[] = [];
let armed = false;
let arrivals: (number | undefined)[] = [];
let finish: (() => void) | undefined;

function openSocket(index: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new WebSocket(job.socketUrls[index]);
    sockets[index] = socket;
    socket.on('message', () => {
      if (!armed || arrivals[index] !== undefined) return;
      arrivals[index] = epochNow();
      if (arrivals.every((arrival) => arrival !== undefined)) finish?.();
    });
    socket.once('open', () => resolve(undefined));
    socket.once('error', (error) => resolve(error.message));
    socket.once('close', (code) => resolve(`closed ${code}`));
  });
}

async function openAll() {
  const errors: string[] = [];
  const batch = 50;
  for (let start = 0; start < job.socketUrls.length; start += batch) {
    const results = await Promise.all(
      Array.from({ length: Math.min(batch, job.socketUrls.length - start) }, (_, offset) => openSocket(start + offset)),
    );
    for (const error of results) if (error) errors.push(error);
  }
  const opened = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
  port.postMessage({ type: 'open', opened, failed: job.socketUrls.length - opened, errors: [...new Set(errors)].slice(0, 5) });
}

port.on('message', (message: { type: string; timeoutMs?: number }) => {
  if (message.type === 'arm') {
    arrivals = sockets.map((socket) => (socket.readyState === WebSocket.OPEN ? undefined : Number.NaN));
    armed = true;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
      setTimeout(resolve, message.timeoutMs ?? 10_000);
    });
    port.postMessage({ type: 'armed' });
    void done.then(() => {
      const received = arrivals.filter((arrival): arrival is number => arrival !== undefined && !Number.isNaN(arrival));
      port.postMessage({ type: 'frames', arrivals: received, missing: job.socketUrls.length - received.length });
    });
  }
  if (message.type === 'close') {
    for (const socket of sockets) socket.terminate();
    port.close();
  }
});

await openAll();
