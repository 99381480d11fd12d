// The customer policy: what a page may do, for a customer token on our server and for a
// signed-in session through the portal gateway. One module, used by both (see DESIGN.md).
export * from './customer-routes.ts';
export * from './rules.ts';
export * from './limits.ts';
export * from './live-frames.ts';
export * from './cancellation.ts';
