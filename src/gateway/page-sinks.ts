// The two ways a page receives live frames from the relay: a WebSocket (Node hosts that take
// upgrades) and Server-Sent Events (Fetch-only hosts such as Next.js route handlers). Both keep at
// most one frame waiting: each frame is the full state, so a slow page skips to the newest.
import type { WebSocket } from 'ws';
import { latestFrameSender, type FrameSender } from '../policy/index.ts';
import type { PageSink } from './relay.ts';

/** The heartbeat text frame pages recognise (never parsed as entitlements). */
export const HEARTBEAT = 'ping';
/** Text frames saying the gateway's own socket to Planship went down or came back (never entitlements). */
const upstreamFrame = (state: 'up' | 'down') => `upstream:${state}`;

/** A page on a WebSocket; frames go out as the server's hub sends them (latest only, bounded buffer). */
export class WebSocketPage implements PageSink {
  readonly #socket: WebSocket;
  readonly #sender: FrameSender;
  #alive = true;

  constructor(socket: WebSocket) {
    this.#socket = socket;
    this.#sender = latestFrameSender(socket);
    socket.on('pong', () => (this.#alive = true));
  }

  send(frame: string): void {
    this.#sender.send(frame);
  }

  heartbeat(): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    // No pong since the last beat: the peer is gone (a NAT dropped it, the tab froze).
    if (!this.#alive) return this.#socket.terminate();
    this.#alive = false;
    this.#socket.ping();
    // Browsers hide pings: a text frame tells the page the connection lives. A frame still on
    // its way says so already (and a heartbeat must never take a waiting frame's place).
    if (!this.#sender.busy) this.#sender.send(HEARTBEAT);
  }

  upstream(state: 'up' | 'down'): void {
    // Rare and tiny: sent at once, never in place of a waiting frame (`ws` drops it once the socket closes).
    this.#socket.send(upstreamFrame(state));
  }

  close(code: number, reason: string): void {
    this.#sender.close(code, reason);
  }
}

const encoder = new TextEncoder();

/**
 * A page reading Server-Sent Events: `data:` lines carry the frames, `event: ping` the
 * heartbeat, `event: upstream` (data `down` or `up`) the gateway's own socket to Planship, and
 * `event: close` (data = the close code) comes before the stream ends, so the client knows
 * whether to reconnect.
 */
export class EventStreamPage implements PageSink {
  readonly stream: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #waiting?: string;
  #closed = false;
  readonly #onEnd: () => void;

  /** `onEnd` runs once the page is gone, whichever side ended the stream. */
  constructor(onEnd: () => void) {
    this.#onEnd = onEnd;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
          // Headers and a first byte right away, so proxies start streaming.
          controller.enqueue(encoder.encode(': connected\n\n'));
        },
        pull: () => this.#flush(),
        cancel: () => {
          this.#closed = true;
          onEnd();
        },
      },
      { highWaterMark: 1 },
    );
  }

  #flush(): void {
    if (this.#closed || this.#waiting === undefined || (this.#controller.desiredSize ?? 0) <= 0) return;
    const frame = this.#waiting;
    this.#waiting = undefined;
    this.#controller.enqueue(encoder.encode(`data: ${frame}\n\n`));
  }

  send(frame: string): void {
    this.#waiting = frame;
    this.#flush();
  }

  heartbeat(): void {
    // A reader that has not taken what is queued is told nothing new; a frame waiting means just
    // that, and a closed or cancelled stream has no room either.
    if ((this.#controller.desiredSize ?? 0) <= 0) return;
    this.#controller.enqueue(encoder.encode(`event: ${HEARTBEAT}\ndata:\n\n`));
  }

  upstream(state: 'up' | 'down'): void {
    if (this.#closed) return;
    this.#controller.enqueue(encoder.encode(`event: upstream\ndata: ${state}\n\n`));
  }

  close(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#controller.enqueue(encoder.encode(`event: close\ndata: ${code}\n\n`));
      this.#controller.close();
    } catch {
      /* the reader is gone */
    }
    this.#onEnd();
  }
}
