// Gateway mode's live transport: a WebSocket where the host takes upgrades, else Server-Sent
// Events (Next.js route handlers and other Fetch-only hosts). The EventSource is dressed as a
// WebSocket so the live socket's reconnects and heartbeats work the same over both; the gateway's
// `event: close` carries the close code (4404: customer gone; 4401: session ended), and
// `event: upstream` whether its own socket to Planship is down or up (as the socket's text frames).
import type { WebSocketConstructor, WebSocketLike } from './live.ts';

export interface EventSourceLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}

export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

class EventStreamSocket implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly #source: EventSourceLike;
  #done = false;

  constructor(url: string, EventSourceClass: EventSourceConstructor) {
    const source = (this.#source = new EventSourceClass(url.replace(/^ws/, 'http'), { withCredentials: true }));
    source.onopen = (event) => this.onopen?.(event);
    source.onmessage = ({ data }) => this.onmessage?.({ data });
    source.addEventListener('ping', () => this.onmessage?.({ data: 'ping' }));
    source.addEventListener('upstream', ({ data }) => this.onmessage?.({ data: `upstream:${data}` }));
    source.addEventListener('close', ({ data }) => this.#finish(Number(data) || 1000));
    // EventSource would retry on its own, without backoff: the live socket does it instead.
    source.onerror = () => this.#finish(1006);
  }

  #finish(code: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#source.close();
    this.onclose?.({ code });
  }

  close(): void {
    this.#finish(1000);
  }
}

/** Forwards a transport's events, noting whether it ever opened. */
class Transport implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly #raw: WebSocketLike;

  constructor(raw: WebSocketLike, settled: (opened: boolean) => void) {
    this.#raw = raw;
    let opened = false;
    raw.onopen = (event) => {
      opened = true;
      settled(true);
      this.onopen?.(event);
    };
    raw.onmessage = (event) => this.onmessage?.(event);
    raw.onerror = (event) => this.onerror?.(event);
    raw.onclose = (event) => {
      if (!opened) settled(false);
      this.onclose?.(event);
    };
  }

  close(code?: number, reason?: string): void {
    this.#raw.close(code, reason);
  }
}

/**
 * WebSocket first; while neither transport has opened yet, one that fails to open is swapped
 * for the other on the next attempt. Once one opens, the page keeps it.
 */
export function gatewayTransport(WebSocketClass?: WebSocketConstructor, EventSourceClass?: EventSourceConstructor): WebSocketConstructor | undefined {
  if (!EventSourceClass) return WebSocketClass;
  const Events: EventSourceConstructor = EventSourceClass;
  if (!WebSocketClass) {
    return class extends EventStreamSocket {
      constructor(url: string) {
        super(url, Events);
      }
    };
  }
  let useEvents = false;
  let settledOn = false;
  return function open(url: string) {
    const raw = useEvents ? new EventStreamSocket(url, Events) : new WebSocketClass(url);
    return new Transport(raw, (opened) => {
      if (settledOn) return;
      if (opened) settledOn = true;
      else useEvents = !useEvents;
    });
  } as unknown as WebSocketConstructor;
}
