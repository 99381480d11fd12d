// Live entitlements over WebSocket:
//   /api/v1/ws/customers/{customer}/products/{product}/entitlements?token=...
// One frame with the full entitlements right after connect, then one after every change that
// affects that customer and product. Each frame is serialised once per customer+product and
// sent to all of its sockets; a slow socket gets only the latest (policy/live-frames.ts).
// Ping/pong drops dead peers. At most MAX_SOCKETS_PER_CHANNEL per customer and product.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { latestFrameSender, type FrameSender } from '../policy/live-frames.ts';
import { customerFor, productOr404 } from './access.ts';
import type { Auth } from './auth.ts';
import type { Clock } from './clock.ts';
import { computeEntitlements, defaultEntitlements } from './entitlements.ts';
import { forbidden, HttpError, notFound, unauthorized } from './errors.ts';
import { endWithError } from './http.ts';
import { parseRequestTarget } from './request-target.ts';
import type { Store, StoreListener } from './store.ts';

const PATH = /^\/api\/v1\/ws\/customers\/([^/]+)\/products\/([^/]+)\/entitlements\/?$/;

/**
 * Close codes: 1012 when the emulator drops sockets, 4404 when the customer was deleted, 4401
 * when the socket's token expired (the client reconnects with a fresh token), 4429 for the oldest
 * socket of a customer and product when one more than MAX_SOCKETS_PER_CHANNEL opens.
 */
const CLOSE_SERVICE_RESTART = 1012;
const CLOSE_CUSTOMER_DELETED = 4404;
const CLOSE_TOKEN_EXPIRED = 4401;
const CLOSE_TOO_MANY = 4429;

/** Open sockets per customer and product: a page needs one; a few tabs, a few more. */
export const MAX_SOCKETS_PER_CHANNEL = 20;

interface Channel {
  customerId: string;
  productSlug: string;
  sockets: Set<WebSocket>;
  lastFrame: string;
}

export interface WsHubOptions {
  store: Store;
  auth: Auth;
  clock: Clock;
  heartbeatMs: number;
  corsOrigins: '*' | string[];
  /** The `ws` package's server class (see load-ws.ts). */
  WebSocketServer: typeof WebSocketServer;
}

export class WsHub implements StoreListener {
  private readonly server: WebSocketServer;
  private readonly channels = new Map<string, Channel>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly senders = new WeakMap<WebSocket, FrameSender>();
  /** When each socket's token expires (server clock, ms). */
  private readonly expiry = new WeakMap<WebSocket, number>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Real time (ms) until which new sockets are refused, after POST /__emulator/sockets/close. */
  private refuseUntil = 0;

  constructor(private readonly options: WsHubOptions) {
    this.server = new options.WebSocketServer({ noServer: true, maxPayload: 4096 });
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  // --- connecting ------------------------------------------------------------------------

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let target: { customerId: string; productSlug: string; expiresAt: number };
    try {
      target = this.authorize(request);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const detail = error instanceof HttpError ? error.detail : 'Internal Server Error';
      endWithError(socket, status, detail, error instanceof HttpError ? error.headers : {});
      return;
    }
    this.server.handleUpgrade(request, socket, head, (websocket) => {
      this.expiry.set(websocket, target.expiresAt);
      this.attach(websocket, target.customerId, target.productSlug);
    });
  }

  private authorize(request: IncomingMessage): { customerId: string; productSlug: string; expiresAt: number } {
    const { store, auth, corsOrigins } = this.options;
    const url = parseRequestTarget(request.url);
    const match = url && PATH.exec(url.pathname);
    if (!url || !match) throw notFound('Not Found');
    if (Date.now() < this.refuseUntil) {
      const seconds = Math.ceil((this.refuseUntil - Date.now()) / 1000);
      throw new HttpError(503, 'Live updates are paused', { 'retry-after': String(seconds) });
    }
    const origin = request.headers.origin;
    if (corsOrigins !== '*' && origin && !corsOrigins.includes(origin)) throw forbidden('Origin not allowed');
    const token = url.query.get('token') ?? '';
    const principal = auth.fromToken(token);
    if (!principal) throw unauthorized('Invalid or expired token');
    const expiresAt = auth.expiresAt(token)!;
    let customerReference: string;
    let productSlug: string;
    try {
      customerReference = decodeURIComponent(match[1]);
      productSlug = decodeURIComponent(match[2]);
    } catch {
      throw notFound('Not Found');
    }
    const customer = customerFor(store, principal, customerReference, 'entitlements:read');
    productOr404(store, productSlug);
    return { customerId: customer.id, productSlug, expiresAt };
  }

  private attach(socket: WebSocket, customerId: string, productSlug: string): void {
    const key = channelKey(customerId, productSlug);
    let channel = this.channels.get(key);
    if (!channel) {
      channel = { customerId, productSlug, sockets: new Set(), lastFrame: '' };
      this.channels.set(key, channel);
    }
    for (const oldest of channel.sockets) {
      if (channel.sockets.size < MAX_SOCKETS_PER_CHANNEL) break;
      channel.sockets.delete(oldest);
      this.senderOf(oldest).close(CLOSE_TOO_MANY, 'too many live connections');
    }
    channel.sockets.add(socket);
    this.senders.set(socket, latestFrameSender(socket));
    this.alive.set(socket, true);
    socket.on('pong', () => this.alive.set(socket, true));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      channel.sockets.delete(socket);
      if (channel.sockets.size === 0 && this.channels.get(key) === channel) this.channels.delete(key);
    });
    const frame = this.frameFor(channel);
    channel.lastFrame = frame;
    this.senderOf(socket).send(frame);
  }

  private senderOf(socket: WebSocket): FrameSender {
    return this.senders.get(socket)!;
  }

  // --- pushing ---------------------------------------------------------------------------

  private frameFor(channel: Channel): string {
    const { store, clock } = this.options;
    return JSON.stringify(computeEntitlements(store, channel.customerId, channel.productSlug, clock.now()));
  }

  private push(channel: Channel, frame: string): void {
    channel.lastFrame = frame;
    // Encode once for every socket of the channel (a text frame all the same).
    const data = Buffer.from(frame);
    for (const socket of channel.sockets) this.senderOf(socket).send(data);
  }

  /** StoreListener: something changed for these customers in this product. */
  changed(customerIds: Iterable<string>, productSlug: string): void {
    for (const customerId of customerIds) {
      const channel = this.channels.get(channelKey(customerId, productSlug));
      if (channel) this.push(channel, this.frameFor(channel));
    }
  }

  /** StoreListener: the customer's sockets get the revoked (default) entitlements, then close. */
  customerDeleted(customerId: string): void {
    for (const channel of [...this.channels.values()]) {
      if (channel.customerId !== customerId) continue;
      this.push(channel, JSON.stringify(defaultEntitlements(this.options.store, channel.productSlug)));
      for (const socket of channel.sockets) this.senderOf(socket).close(CLOSE_CUSTOMER_DELETED, 'customer deleted');
    }
  }

  /** After the clock moved: push to the channels whose entitlements changed (a period reset). */
  refreshChanged(): void {
    this.closeExpired();
    for (const channel of this.channels.values()) {
      if (!this.options.store.isLiveCustomer(channel.customerId)) continue;
      const frame = this.frameFor(channel);
      if (frame !== channel.lastFrame) this.push(channel, frame);
    }
  }

  /** After a reset: every channel gets a fresh frame; customers that no longer exist are closed. */
  refreshAll(): void {
    for (const channel of [...this.channels.values()]) {
      if (this.options.store.isLiveCustomer(channel.customerId)) {
        this.push(channel, this.frameFor(channel));
      } else {
        for (const socket of channel.sockets) this.senderOf(socket).close(CLOSE_CUSTOMER_DELETED, 'customer deleted');
      }
    }
  }

  // --- housekeeping ----------------------------------------------------------------------

  /** A socket lives no longer than its token: 4401 tells the client to re-authenticate. */
  private closeExpired(): void {
    const now = this.options.clock.now();
    for (const channel of this.channels.values()) {
      for (const socket of channel.sockets) {
        if ((this.expiry.get(socket) ?? Number.POSITIVE_INFINITY) <= now && socket.readyState === socket.OPEN) {
          this.senderOf(socket).close(CLOSE_TOKEN_EXPIRED, 'token expired');
        }
      }
    }
  }

  private beat(): void {
    this.closeExpired();
    for (const channel of this.channels.values()) {
      for (const socket of channel.sockets) {
        if (this.alive.get(socket) === false) {
          socket.terminate();
          continue;
        }
        this.alive.set(socket, false);
        socket.ping();
      }
    }
  }

  /** Closes every entitlements socket (1012) and refuses new ones for `refuseSeconds` of real time. */
  closeAll(refuseSeconds: number): number {
    this.refuseUntil = refuseSeconds > 0 ? Date.now() + refuseSeconds * 1000 : 0;
    let closed = 0;
    for (const channel of this.channels.values()) {
      for (const socket of channel.sockets) {
        this.senderOf(socket).close(CLOSE_SERVICE_RESTART, 'service restart');
        closed += 1;
      }
    }
    return closed;
  }

  /** Open entitlements sockets, of one customer (its uuid) when given. */
  openCount(customerId?: string): number {
    let open = 0;
    for (const channel of this.channels.values()) {
      if (customerId !== undefined && channel.customerId !== customerId) continue;
      for (const socket of channel.sockets) if (socket.readyState === socket.OPEN) open += 1;
    }
    return open;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const channel of this.channels.values()) for (const socket of channel.sockets) socket.terminate();
    this.channels.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function channelKey(customerId: string, productSlug: string): string {
  return `${customerId}\u0000${productSlug}`;
}
