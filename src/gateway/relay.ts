// Live entitlements through the gateway: ONE upstream socket per customer (with the product
// token, which never leaves the gateway), fanned out to that customer's open pages, whatever
// their transport (WebSocket or Server-Sent Events). The last frame is kept and sent to a page
// the moment it arrives; a slow page gets only the newest frame. Upstream drops reconnect with
// backoff and a fresh token; the upstream socket closes ~10 s after the customer's last page left.
// Pages get a heartbeat (`ping`) so they notice a dead connection, and their session is checked
// again periodically (closed with 4401 once it ends).
import type { Upstream } from './upstream.ts';

/** One page's end of the relay, whatever carries it. */
export interface PageSink {
  /** The newest full-state frame; a sink that is still busy keeps only the newest. */
  send(frame: string): void;
  /** Tells the page the connection lives; a sink whose peer stopped answering closes itself. */
  heartbeat(): void;
  close(code: number, reason: string): void;
}

/** A WebSocket client as the relay uses it: the `ws` package, or a runtime's global WebSocket. */
export interface UpstreamSocket {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number): void;
}

export type UpstreamSocketClass = new (url: string) => UpstreamSocket;

export const CLOSE_CUSTOMER_DELETED = 4404;
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_MANY = 4429;
const CLOSE_TOKEN_EXPIRED = 4401;

export interface RelayOptions {
  upstream: Upstream;
  /** Planship's socket base URL (ws:// or wss://). */
  webSocketUrl: string;
  productSlug: string;
  WebSocket: () => UpstreamSocketClass | undefined;
  heartbeatMs: number;
  /** How long an upstream socket stays open after its last page left. */
  idleMs: number;
  sessionCheckMs: number;
  maxPagesPerCustomer: number;
  log: (message: string) => void;
}

interface Page {
  sink: PageSink;
  /** Whether the page's session still names this customer. */
  stillSignedIn: () => Promise<boolean>;
}

interface Channel {
  customerId: string;
  pages: Page[];
  socket?: UpstreamSocket;
  /** The product token the socket was opened with (to replace it, not a newer one, on 4401). */
  token?: string;
  last?: string;
  attempt: number;
  openedAt: number;
  retryTimer?: ReturnType<typeof setTimeout>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 8_000;
const STABLE_MS = 5_000;

export class Relay {
  readonly #options: RelayOptions;
  readonly #channels = new Map<string, Channel>();
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #sessionCheck: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: RelayOptions) {
    this.#options = options;
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    this.#sessionCheck = setInterval(() => void this.#checkSessions(), options.sessionCheckMs);
    this.#heartbeat.unref?.();
    this.#sessionCheck.unref?.();
  }

  /** Upstream sockets open now (one per customer with pages). */
  get upstreamSockets(): number {
    let open = 0;
    for (const channel of this.#channels.values()) if (channel.socket) open += 1;
    return open;
  }

  /** Adds a page of this customer; returns how to remove it. */
  attach(customerId: string, sink: PageSink, stillSignedIn: () => Promise<boolean>): () => void {
    let channel = this.#channels.get(customerId);
    if (!channel) {
      channel = { customerId, pages: [], attempt: 0, openedAt: 0 };
      this.#channels.set(customerId, channel);
    }
    clearTimeout(channel.idleTimer);
    channel.idleTimer = undefined;
    const page: Page = { sink, stillSignedIn };
    channel.pages.push(page);
    // A customer's pages are bounded: the oldest gives way (its client backs off before retrying).
    while (channel.pages.length > this.#options.maxPagesPerCustomer) {
      channel.pages.shift()!.sink.close(CLOSE_TOO_MANY, 'too many live connections');
    }
    if (channel.last !== undefined) sink.send(channel.last);
    if (!channel.socket && !channel.retryTimer) void this.#connect(channel, false);
    const current = channel;
    return () => this.#detach(current, page);
  }

  #detach(channel: Channel, page: Page): void {
    const index = channel.pages.indexOf(page);
    if (index >= 0) channel.pages.splice(index, 1);
    if (channel.pages.length || channel.idleTimer) return;
    channel.idleTimer = setTimeout(() => this.#end(channel), this.#options.idleMs);
    channel.idleTimer.unref?.();
  }

  /** Closes the channel's upstream socket and forgets it. */
  #end(channel: Channel): void {
    clearTimeout(channel.retryTimer);
    clearTimeout(channel.idleTimer);
    if (this.#channels.get(channel.customerId) === channel) this.#channels.delete(channel.customerId);
    const socket = channel.socket;
    channel.socket = undefined;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
      try {
        socket.close(1000);
      } catch {
        /* closing anyway */
      }
    }
  }

  async #connect(channel: Channel, freshToken: boolean): Promise<void> {
    const { upstream, webSocketUrl, productSlug, WebSocket } = this.#options;
    const Socket = WebSocket();
    if (!Socket) {
      this.#options.log('planship gateway: no WebSocket client for the live relay (install the `ws` package, or run on Node 22+)');
      return;
    }
    let token: string;
    try {
      token = channel.token = await upstream.token(freshToken, channel.token);
    } catch {
      return this.#retry(channel, true);
    }
    if (this.#closed || this.#channels.get(channel.customerId) !== channel || !channel.pages.length) return;
    const url = `${webSocketUrl}/api/v1/ws/customers/${encodeURIComponent(channel.customerId)}/products/${encodeURIComponent(productSlug)}/entitlements?token=${encodeURIComponent(token)}`;
    let socket: UpstreamSocket;
    try {
      socket = new Socket(url);
    } catch {
      return this.#retry(channel, false);
    }
    channel.socket = socket;
    socket.onopen = () => (channel.openedAt = Date.now());
    socket.onerror = () => {};
    socket.onmessage = ({ data }) => {
      const frame = String(data);
      channel.last = frame;
      for (const page of channel.pages) page.sink.send(frame);
    };
    socket.onclose = ({ code }) => {
      if (channel.socket !== socket) return;
      channel.socket = undefined;
      if (code === CLOSE_CUSTOMER_DELETED) {
        for (const page of channel.pages.splice(0)) page.sink.close(CLOSE_CUSTOMER_DELETED, 'customer deleted');
        return this.#end(channel);
      }
      if (channel.openedAt && Date.now() - channel.openedAt > STABLE_MS) channel.attempt = 0;
      channel.openedAt = 0;
      // An upgrade refused before opening may be an expired token (4401 or HTTP 401): ask anew.
      this.#retry(channel, code === CLOSE_TOKEN_EXPIRED || code === 1006);
    };
  }

  #retry(channel: Channel, freshToken: boolean): void {
    if (this.#closed || this.#channels.get(channel.customerId) !== channel || !channel.pages.length) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** channel.attempt++) * (0.5 + Math.random() / 2);
    channel.retryTimer = setTimeout(() => {
      channel.retryTimer = undefined;
      void this.#connect(channel, freshToken);
    }, delay);
    channel.retryTimer.unref?.();
  }

  #beat(): void {
    for (const channel of this.#channels.values()) for (const page of channel.pages) page.sink.heartbeat();
  }

  async #checkSessions(): Promise<void> {
    for (const channel of [...this.#channels.values()]) {
      for (const page of [...channel.pages]) {
        let signedIn = false;
        try {
          signedIn = await page.stillSignedIn();
        } catch {
          signedIn = false;
        }
        if (!signedIn && channel.pages.includes(page)) page.sink.close(CLOSE_SESSION_ENDED, 'session ended');
      }
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#sessionCheck);
    for (const channel of [...this.#channels.values()]) {
      for (const page of channel.pages.splice(0)) page.sink.close(1001, 'going away');
      this.#end(channel);
    }
  }
}
