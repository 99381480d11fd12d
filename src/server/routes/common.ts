// What every route module needs: the shared services. The access rules for a customer path
// live in ../access.ts (the WebSocket hub applies them too).
import type { Auth } from '../auth.ts';
import type { Clock } from '../clock.ts';
import type { IdempotencyCache } from '../idempotency.ts';
import type { Store } from '../store.ts';
import type { WsHub } from '../ws-hub.ts';

export interface Services {
  store: Store;
  auth: Auth;
  clock: Clock;
  hub: WsHub;
  idempotency: IdempotencyCache;
  tokenTtlSeconds: number;
  /** The extended profile: what only this server has (false: only what hosted Planship answers). */
  extended: boolean;
  /** Runs time-driven work now: renewals and period resets (after the clock moved). */
  tick(): void;
}
