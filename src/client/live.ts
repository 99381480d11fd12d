// The live entitlements socket: one per client, reconnecting with exponential backoff and jitter,
// re-authenticating on each reconnect, and noticing a connection that died silently (a proxy or
// NAT dropped it, both ends still open) within a few heartbeat periods.
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
  /**
   * The socket has been silent and cannot be pinged: asks over REST whether the socket still
   * tells the truth. False (the state changed without a push, or the API is unreachable) means dead.
   */
  revalidate(): Promise<boolean>;
  state(state: ConnectionState): void;
  /** The heartbeat period: how long a silence lasts before the connection is checked. */
  heartbeatMs: number;
}

const FIRST_RETRY_MS = 250;
/** Capped so that a page is back within 10 s of its token endpoint or the API answering again. */
export const MAX_RETRY_MS = 8_000;
/** A connection that lasted this long (or one heartbeat, if shorter) counts as good: the backoff starts over. */
const STABLE_MS = 5_000;
/** What a peer that sends heartbeats (the portal gateway) sends: never entitlements. */
const HEARTBEAT_FRAME = 'ping';
/** What the portal gateway sends when its own socket to Planship goes down or comes back. */
const UPSTREAM_DOWN = 'upstream:down';
const UPSTREAM_UP = 'upstream:up';
/** Watchdog ticks per heartbeat period, so a dead connection is noticed soon after it is due. */
const TICKS_PER_HEARTBEAT = 3;
const CUSTOMER_GONE = 4404;
const TOO_MANY_CONNECTIONS = 4429;

/** Exponential backoff with jitter: attempt 0 waits 125-250 ms, later ones double, capped at 8 s. */
export function retryDelay(attempt: number, random: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt) * (0.5 + random / 2);
}

/**
 * When a silent connection counts as dead, by what the peer offers:
 * - it sent a `ping` text frame (a heartbeat): after 2 heartbeat periods without any frame;
 * - `ws` in Node: it is pinged every period and dead after 2.5 periods without a frame or pong;
 * - otherwise (browsers hide pings; our server and hosted Planship send no heartbeats): after a
 *   period of silence the entitlements are read over REST, once per period; an answer that
 *   differs from the last frame (a change that was never pushed) or no answer at all means dead.
 */
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
    const { heartbeatMs } = options;
    let openedAt = 0;
    let lastSeen = Date.now();
    let lastCheck = 0;
    let heartbeats = false;
    let first = true;
    const seen = () => (lastSeen = Date.now());

    /** The connection ended (`code` from a close, none when found dead): reconnect, or stop. */
    const lost = (dead: boolean, code?: number) => {
      if (this.#socket !== socket) return;
      // 4404: the customer is gone; reconnecting cannot help. Any other close (4401, the token
      // expired, included) is a drop: reconnect, asking for a fresh token.
      if (code === CUSTOMER_GONE) return options.state('closed'), this.stop();
      if (openedAt && Date.now() - openedAt >= Math.min(STABLE_MS, heartbeatMs)) this.#attempt = 0;
      this.#drop(dead);
      // 4429: this customer has too many live connections; do not fight for a place.
      this.#retry(code === TOO_MANY_CONNECTIONS ? MAX_RETRY_MS : undefined);
    };

    socket.onerror = () => {};
    socket.onopen = () => {
      openedAt = lastCheck = seen();
      options.state('live');
      if (reconnect) options.resync();
      const canPing = typeof socket.ping === 'function' && typeof socket.on === 'function';
      if (canPing) {
        socket.on!('ping', seen);
        socket.on!('pong', seen);
      }
      this.#watchdog = setInterval(() => {
        const now = Date.now();
        const silence = now - lastSeen;
        const due = now - lastCheck >= heartbeatMs;
        if (heartbeats || canPing) {
          if (silence > heartbeatMs * (heartbeats ? 2 : 2.5)) lost(true);
          else if (canPing && due) {
            lastCheck = now;
            try {
              socket.ping!();
            } catch {
              /* closing anyway: onclose follows */
            }
          }
        } else if (silence >= heartbeatMs && due) {
          // A second check may start while a slow first one still runs: a dead socket is lost once.
          lastCheck = now;
          options.revalidate().then((alive) => alive || lost(true));
        }
      }, heartbeatMs / TICKS_PER_HEARTBEAT);
    };
    socket.onmessage = ({ data }) => {
      seen();
      const text = String(data);
      if (text === HEARTBEAT_FRAME) {
        heartbeats = true;
        return;
      }
      // The gateway is there but its own source is not: numbers may be out of date meanwhile.
      if (text === UPSTREAM_DOWN || text === UPSTREAM_UP) {
        options.state(text === UPSTREAM_DOWN ? 'reconnecting' : 'live');
        if (text === UPSTREAM_UP) options.resync();
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      options.frame(parsed, first);
      first = false;
    };
    socket.onclose = ({ code }) => lost(false, code);
  }

  #retry(delay = retryDelay(this.#attempt++, Math.random())): void {
    if (this.#stopped) return;
    this.#options.state('reconnecting');
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
