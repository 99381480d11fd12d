// planship-portal/client: a Planship API client with no Lit and no DOM beyond fetch, WebSocket
// and EventTarget. Usable on its own, in browsers and in Node.
export { PlanshipCustomer, type ListSubscriptionsOptions } from './customer.ts';
export {
  PlanshipProduct,
  type PlanshipAuth,
  type PlanshipOptions,
  type RequestOptions,
} from './product.ts';
export { PlanshipApiError, PlanshipAuthError, type PlanshipErrorKind } from './errors.ts';
export {
  PlanshipChangeEvent,
  PlanshipConnectionEvent,
  PlanshipEntitlementsEvent,
  type ConnectionState,
  type PlanshipEventMap,
} from './events.ts';
export type { Resource } from './cache.ts';
export type { AccessToken, TokenGetter, ClientCredentials } from './auth.ts';
export type { FetchLike } from './http.ts';
export type { WebSocketConstructor, WebSocketLike } from './live.ts';
export type { EventSourceConstructor, EventSourceLike } from './event-stream.ts';
export type * from './models.ts';
