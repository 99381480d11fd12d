// A keep-alive load loop (autocannon-like, no dependency): `connections` raw TCP connections,
// each sending the next pre-encoded request as soon as the previous answer is complete, for
// `durationMs`. Raw sockets keep the load generator cheap, so it takes little CPU from the server.
import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface LoadJob {
  url: string;
  paths: string[];
  body: string;
  token: string;
  connections: number;
  durationMs: number;
}

export interface LoadReport {
  type: 'done';
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  elapsedMs: number;
}

const job = workerData as LoadJob;
const target = new URL(job.url);
const HEADER_END = Buffer.from('\r\n\r\n');

let ok = 0;
let failed = 0;
const statuses: Record<string, number> = {};
const count = (status: string) => (statuses[status] = (statuses[status] ?? 0) + 1);

function encodeRequest(path: string): Buffer {
  const body = Buffer.from(job.body);
  const head =
    `POST ${path} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: keep-alive\r\n` +
    `authorization: Bearer ${job.token}\r\ncontent-type: application/json\r\n` +
    `content-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

/** One connection: request, wait for the whole answer, repeat until the deadline. */
function connectionLoop(path: string, deadline: number): Promise<void> {
  const request = encodeRequest(path);
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    let pending = Buffer.alloc(0);
    const next = () => {
      if (performance.now() >= deadline) {
        socket.end();
        return resolve();
      }
      socket.write(request);
    };
    socket.on('connect', next);
    socket.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const headerEnd = pending.indexOf(HEADER_END);
        if (headerEnd < 0) return;
        const head = pending.subarray(0, headerEnd).toString('latin1');
        const status = head.slice(9, 12);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!length) {
          count('no content-length');
          failed += 1;
          socket.destroy();
          return resolve();
        }
        const total = headerEnd + HEADER_END.length + Number(length[1]);
        if (pending.length < total) return;
        pending = pending.subarray(total);
        count(status);
        if (status === '200') ok += 1;
        else failed += 1;
        next();
      }
    });
    socket.on('error', (error) => {
      count(error.name);
      failed += 1;
      resolve();
    });
    socket.on('close', () => resolve());
  });
}

const started = performance.now();
const deadline = started + job.durationMs;
await Promise.all(Array.from({ length: job.connections }, (_, index) => connectionLoop(job.paths[index % job.paths.length], deadline)));
const report: LoadReport = { type: 'done', ok, failed, statuses, elapsedMs: performance.now() - started };
parentPort!.postMessage(report);
