// The live entitlements socket: one per client, reconnecting with exponential backoff and jitter,
// re-authenticating on each reconnect, and noticing a connection that went silent.
import type { ConnectionState } from './events.ts';

/** The part of the WebSocket API the client uses; browsers' WebSocket and `ws` both fit. */
export interface WebSocketLike {
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  close(code?: number, reason?: string): void;
  /** `ws` only: lets Node detect a dead peer through ping/pong. */
  ping?: () => void;
  terminate?: () => void;
  on?: (event: string, listener: () => void) => unknown;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface LiveOptions {
  /** The socket URL without the token. */
  url: string;
  WebSocket: WebSocketConstructor;
  /** The token for `?token=`; absent in gateway mode (the page's session authenticates it). */
  token?(forceRefresh: boolean): Promise<string>;
  /** A frame arrived; `first` marks the first frame of a (re)connection. */
  frame(data: unknown, first: boolean): void;
  /** Reconnected: re-read over REST what may have changed while down. */
  resync(): void;
  state(state: ConnectionState): void;
  /** How often to check the connection (and ping, where the socket can). */
  heartbeatMs: number;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;
/** A connection that lasted this long counts as good: the backoff starts over. */
const STABLE_MS = 5_000;
/** Browsers hide ping/pong frames, so only a long silence counts as dead there. */
const SILENT_HEARTBEATS_WITHOUT_PING = 10;
const CUSTOMER_GONE = 4404;

/** Exponential backoff with jitter: attempt 0 waits 125-250 ms, later ones double, capped at 30 s. */
export function retryDelay(attempt: number, random: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt) * (0.5 + random / 2);
}

export class LiveSocket {
  readonly #options: LiveOptions;
  #socket?: WebSocketLike;
  #retryTimer?: ReturnType<typeof setTimeout>;
  #watchdog?: ReturnType<typeof setInterval>;
  #attempt = 0;
  #stopped = false;

  constructor(options: LiveOptions) {
    this.#options = options;
    void this.#connect(false);
  }

  /** Closes for good: no socket, no timer is left behind. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#drop(false);
  }

  async #connect(reconnect: boolean): Promise<void> {
    const options = this.#options;
    options.state(reconnect ? 'reconnecting' : 'connecting');
    let query = '';
    try {
      if (options.token) query = `?token=${encodeURIComponent(await options.token(reconnect))}`;
    } catch {
      return this.#retry();
    }
    if (this.#stopped) return;
    let socket: WebSocketLike;
    try {
      socket = new options.WebSocket(options.url + query);
    } catch {
      return this.#retry();
    }
    this.#socket = socket;
    let openedAt = 0;
    let lastSeen = Date.now();
    let first = true;
    const seen = () => (lastSeen = Date.now());

    socket.onerror = () => {};
    socket.onopen = () => {
      openedAt = seen();
      options.state('live');
      if (reconnect) options.resync();
      const canPing = typeof socket.ping === 'function' && typeof socket.on === 'function';
      if (canPing) {
        socket.on!('ping', seen);
        socket.on!('pong', seen);
      }
      const deadAfter = options.heartbeatMs * (canPing ? 2.5 : SILENT_HEARTBEATS_WITHOUT_PING);
      this.#watchdog = setInterval(() => {
        if (Date.now() - lastSeen > deadAfter) {
          this.#drop(true);
          this.#retry();
        } else if (canPing) {
          try {
            socket.ping!();
          } catch {
            /* closing anyway: onclose follows */
          }
        }
      }, options.heartbeatMs);
    };
    socket.onmessage = ({ data }) => {
      seen();
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return;
      }
      options.frame(parsed, first);
      first = false;
    };
    socket.onclose = ({ code }) => {
      if (this.#socket !== socket) return;
      // 4404: the customer is gone; reconnecting cannot help. Any other close (4401, the token
      // expired, included) is a drop: reconnect, asking for a fresh token.
      if (code === CUSTOMER_GONE) return this.#options.state('closed'), this.stop();
      if (openedAt && Date.now() - openedAt > STABLE_MS) this.#attempt = 0;
      this.#drop(false);
      this.#retry();
    };
  }

  #retry(): void {
    if (this.#stopped) return;
    this.#options.state('reconnecting');
    const delay = retryDelay(this.#attempt++, Math.random());
    this.#retryTimer = setTimeout(() => this.#connect(true), delay);
  }

  /** Forgets the current socket; `dead` cuts it at once instead of a polite close. */
  #drop(dead: boolean): void {
    clearInterval(this.#watchdog);
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      if (dead && socket.terminate) socket.terminate();
      else socket.close(1000);
    } catch {
      /* already closing */
    }
  }
}
