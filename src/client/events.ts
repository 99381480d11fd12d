// Events the client dispatches (it is an EventTarget), so every element on a page can follow
// the same state: what changed, the live connection's state, and fresh entitlements.
import type { Resource } from './cache.ts';
import type { Entitlements } from './models.ts';

export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'closed';

/** After a mutation through this client, or a live push: re-read these resources. */
export class PlanshipChangeEvent extends Event {
  static readonly eventName = 'planship-change';
  readonly resources: ReadonlySet<Resource>;

  constructor(resources: Iterable<Resource>) {
    super(PlanshipChangeEvent.eventName);
    this.resources = new Set(resources);
  }
}

/** The entitlements socket moved to another state (`reconnecting` = numbers may be stale). */
export class PlanshipConnectionEvent extends Event {
  static readonly eventName = 'planship-connection';
  readonly state: ConnectionState;

  constructor(state: ConnectionState) {
    super(PlanshipConnectionEvent.eventName);
    this.state = state;
  }
}

/** New entitlements arrived (live push or a re-read after reconnecting). */
export class PlanshipEntitlementsEvent extends Event {
  static readonly eventName = 'planship-entitlements';
  readonly entitlements: Entitlements;

  constructor(entitlements: Entitlements) {
    super(PlanshipEntitlementsEvent.eventName);
    this.entitlements = entitlements;
  }
}

export interface PlanshipEventMap {
  'planship-change': PlanshipChangeEvent;
  'planship-connection': PlanshipConnectionEvent;
  'planship-entitlements': PlanshipEntitlementsEvent;
}
