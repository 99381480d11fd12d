// Live entitlements through the gateway: ONE upstream socket per customer (with the product
// token, which never leaves the gateway), fanned out to that customer's open pages, whatever
// their transport (WebSocket or Server-Sent Events). The last frame is kept and sent to a page
// the moment it arrives; a slow page gets only the newest frame. Upstream drops reconnect with
// backoff and a fresh token; the upstream socket closes ~10 s after the customer's last page left.
// Pages get a heartbeat (`ping`) so they notice a dead connection, and their session is checked
// again periodically (closed with 4401 once it ends) or ended at once by `signOut`. A signed-in
// user with no Planship customer yet waits without an upstream socket until one exists.
import type { Caller } from '../policy/index.ts';
import { GatewayError } from './errors.ts';
import type { Upstream } from './upstream.ts';

/** One page's end of the relay, whatever carries it. */
export interface PageSink {
  /** The newest full-state frame; a sink that is still busy keeps only the newest. */
  send(frame: string): void;
  /** Tells the page the connection lives; a sink whose peer stopped answering closes itself. */
  heartbeat(): void;
  /** Tells the page whether the gateway's own socket to Planship is up (frames flow) or down. */
  upstream(state: 'up' | 'down'): void;
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
  /** Live pages of this gateway process, all customers together. */
  maxPages: number;
  /** The customer of a user whose pages wait for one (null: still none). */
  findCustomer: (userId: string) => Promise<Caller | null>;
  log: (message: string) => void;
}

interface Page {
  sink: PageSink;
  userId: string;
  /** Whether the page's session still names its user. */
  stillSignedIn: () => Promise<boolean>;
}

/** Sessions re-checked at once; more would flood the host's session store every round. */
const SESSION_CHECKS_AT_ONCE = 16;

interface Channel {
  customerId: string;
  pages: Page[];
  socket?: UpstreamSocket;
  /** The product token the socket was opened with (to replace it, not a newer one, on 4401). */
  token?: string;
  last?: string;
  attempt: number;
  openedAt: number;
  /** A connect is under way (waiting for the token): pages joining meanwhile must not start another. */
  connecting?: boolean;
  /** The upstream socket was lost and is not back: the pages were told. */
  down?: boolean;
  /** Planship refused another socket for this customer (4429): entitlements are read over REST meanwhile. */
  pollTimer?: ReturnType<typeof setInterval>;
  retryTimer?: ReturnType<typeof setTimeout>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 8_000;
const STABLE_MS = 5_000;
/** Planship's bound on one customer's sockets was reached: read over REST this often, and try a socket again after a while. */
const POLL_MS = 5_000;
const SOCKET_AGAIN_AFTER_MS = 60_000;

export class Relay {
  readonly #options: RelayOptions;
  readonly #channels = new Map<string, Channel>();
  /** Pages of signed-in users who have no Planship customer yet, by user id. */
  readonly #waiting = new Map<string, Page[]>();
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #sessionCheck: ReturnType<typeof setInterval>;
  #checking = false;
  #pages = 0;
  #closed = false;

  constructor(options: RelayOptions) {
    this.#options = options;
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    this.#sessionCheck = setInterval(() => void this.checkSessions(), options.sessionCheckMs);
    this.#heartbeat.unref?.();
    this.#sessionCheck.unref?.();
  }

  /** Upstream sockets open now (one per customer with pages). */
  get upstreamSockets(): number {
    let open = 0;
    for (const channel of this.#channels.values()) if (channel.socket) open += 1;
    return open;
  }

  /** Live pages open now. */
  get pages(): number {
    return this.#pages;
  }

  /** Refuses a new page when this process already serves its maximum (before the socket or stream opens). */
  reserve(): void {
    if (this.#pages >= this.#options.maxPages) {
      throw new GatewayError(503, 'Live updates are busy right now: the page will reconnect by itself.', 'planship gateway: maxPages live pages reached; a new one was refused');
    }
  }

  /** Adds a page of this user (and customer, when they have one); returns how to remove it. */
  attach(caller: Caller | null, userId: string, sink: PageSink, stillSignedIn: () => Promise<boolean>): () => void {
    const page: Page = { sink, userId, stillSignedIn };
    this.#pages += 1;
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      this.#pages -= 1;
      this.#remove(page);
    };
    if (caller) this.#join(caller.id, page);
    else this.#waiting.set(userId, [...(this.#waiting.get(userId) ?? []), page]);
    return remove;
  }

  /** A user's customer now exists (this process created it, or a check found it): their waiting pages go live. */
  customerFound(userId: string, caller: Caller): void {
    const pages = this.#waiting.get(userId);
    if (!pages) return;
    this.#waiting.delete(userId);
    for (const page of pages) this.#join(caller.id, page);
  }

  /** Ends every live page of a user at once (4401), e.g. when they sign out. */
  signOut(userId: string): void {
    for (const page of this.#waiting.get(userId) ?? []) page.sink.close(CLOSE_SESSION_ENDED, 'session ended');
    this.#waiting.delete(userId);
    for (const channel of [...this.#channels.values()]) {
      for (const page of channel.pages.filter((candidate) => candidate.userId === userId)) {
        page.sink.close(CLOSE_SESSION_ENDED, 'session ended');
        this.#detach(channel, page);
      }
    }
  }

  #join(customerId: string, page: Page): void {
    let channel = this.#channels.get(customerId);
    if (!channel) {
      channel = { customerId, pages: [], attempt: 0, openedAt: 0 };
      this.#channels.set(customerId, channel);
    }
    clearTimeout(channel.idleTimer);
    channel.idleTimer = undefined;
    channel.pages.push(page);
    // A customer's pages are bounded: the oldest gives way (its client backs off before retrying).
    while (channel.pages.length > this.#options.maxPagesPerCustomer) {
      channel.pages.shift()!.sink.close(CLOSE_TOO_MANY, 'too many live connections');
    }
    if (channel.last !== undefined) page.sink.send(channel.last);
    if (channel.down) page.sink.upstream('down');
    if (!channel.socket && !channel.retryTimer && !channel.connecting && !channel.pollTimer) void this.#connect(channel, false);
  }

  #remove(page: Page): void {
    const waiting = this.#waiting.get(page.userId);
    if (waiting?.includes(page)) {
      const rest = waiting.filter((candidate) => candidate !== page);
      if (rest.length) this.#waiting.set(page.userId, rest);
      else this.#waiting.delete(page.userId);
      return;
    }
    for (const channel of this.#channels.values()) if (channel.pages.includes(page)) return this.#detach(channel, page);
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
    clearInterval(channel.pollTimer);
    if (this.#channels.get(channel.customerId) === channel) this.#channels.delete(channel.customerId);
    const socket = channel.socket;
    channel.socket = undefined;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = null;
      // A socket closed while it still connects reports an error: with no handler, `ws` would throw it.
      socket.onerror = () => {};
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
    channel.connecting = true;
    try {
      token = channel.token = await upstream.token(freshToken, channel.token);
    } catch {
      return this.#retry(channel, true);
    } finally {
      channel.connecting = false;
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
    socket.onopen = () => {
      channel.openedAt = Date.now();
      this.#upstreamState(channel, 'up');
    };
    socket.onerror = () => {};
    socket.onmessage = ({ data }) => this.#broadcast(channel, String(data));
    socket.onclose = ({ code }) => {
      if (channel.socket !== socket) return;
      channel.socket = undefined;
      if (code === CLOSE_CUSTOMER_DELETED) {
        for (const page of channel.pages.splice(0)) page.sink.close(CLOSE_CUSTOMER_DELETED, 'customer deleted');
        return this.#end(channel);
      }
      if (code === CLOSE_TOO_MANY) return this.#poll(channel);
      // Until it is back, the pages must not claim to be live: they say "reconnecting".
      this.#upstreamState(channel, 'down');
      if (channel.openedAt && Date.now() - channel.openedAt > STABLE_MS) channel.attempt = 0;
      channel.openedAt = 0;
      // An upgrade refused before opening may be an expired token (4401 or HTTP 401): ask anew.
      this.#retry(channel, code === CLOSE_TOKEN_EXPIRED || code === 1006);
    };
  }

  #broadcast(channel: Channel, frame: string): void {
    channel.last = frame;
    for (const page of channel.pages) page.sink.send(frame);
  }

  #upstreamState(channel: Channel, state: 'up' | 'down'): void {
    if (Boolean(channel.down) === (state === 'down')) return;
    channel.down = state === 'down';
    for (const page of channel.pages) page.sink.upstream(state);
  }

  /**
   * Planship refused one more socket for this customer (its bound: the customer's pages span too
   * many gateway processes). Rather than evict another process's socket by reconnecting, read the
   * entitlements over REST every few seconds (frames when they change), and try a socket later.
   */
  #poll(channel: Channel): void {
    if (this.#closed || !channel.pages.length || channel.pollTimer) return;
    const { upstream, productSlug } = this.#options;
    const path = `/api/v1/customers/${encodeURIComponent(channel.customerId)}/products/${encodeURIComponent(productSlug)}/entitlements`;
    const read = async () => {
      try {
        const frame = JSON.stringify(await upstream.read(path));
        this.#upstreamState(channel, 'up');
        if (frame !== channel.last) this.#broadcast(channel, frame);
      } catch {
        this.#upstreamState(channel, 'down');
      }
    };
    void read();
    channel.pollTimer = setInterval(read, POLL_MS);
    channel.pollTimer.unref?.();
    const again = setTimeout(() => {
      clearInterval(channel.pollTimer);
      channel.pollTimer = undefined;
      if (this.#channels.get(channel.customerId) === channel && channel.pages.length) void this.#connect(channel, false);
    }, SOCKET_AGAIN_AFTER_MS);
    again.unref?.();
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

  /**
   * Every page's session, checked again: a few at a time, and never two rounds at once (a slow
   * session store must not make rounds pile up). Pages still waiting for a customer look again.
   */
  async checkSessions(): Promise<void> {
    if (this.#checking || this.#closed) return;
    this.#checking = true;
    try {
      const pages = [...this.#waiting.values(), ...[...this.#channels.values()].map((channel) => channel.pages)].flat();
      let next = 0;
      const worker = async () => {
        while (next < pages.length) {
          const page = pages[next++];
          const signedIn = await page.stillSignedIn().catch(() => false);
          if (!signedIn) {
            page.sink.close(CLOSE_SESSION_ENDED, 'session ended');
            this.#remove(page);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(SESSION_CHECKS_AT_ONCE, pages.length) }, worker));
      for (const userId of [...this.#waiting.keys()]) {
        const caller = await this.#options.findCustomer(userId).catch(() => null);
        if (caller) this.customerFound(userId, caller);
      }
    } finally {
      this.#checking = false;
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#sessionCheck);
    for (const page of [...this.#waiting.values()].flat()) page.sink.close(1001, 'going away');
    this.#waiting.clear();
    for (const channel of [...this.#channels.values()]) {
      for (const page of channel.pages.splice(0)) page.sink.close(1001, 'going away');
      this.#end(channel);
    }
  }
}
