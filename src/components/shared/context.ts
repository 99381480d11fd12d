import { ContextRoot, createContext } from '@lit/context';
import type { PlanshipCustomer } from '../../client/index.ts';

/**
 * The one API client every element reads through. A global symbol so that two copies of the
 * bundle on one page still find each other's provider.
 */
export const planshipClientContext = createContext<PlanshipCustomer | undefined>(
  Symbol.for('planship-portal/client'),
);

const ROOT_MARK = Symbol.for('planship-portal/context-root');

/**
 * Attaches a single ContextRoot to document.body, so elements that request the client before
 * their provider is upgraded (or defined) get it replayed once the provider appears.
 */
export function ensureContextRoot(): void {
  const body = globalThis.document?.body as (HTMLElement & { [ROOT_MARK]?: true }) | null | undefined;
  if (!body || body[ROOT_MARK]) return;
  body[ROOT_MARK] = true;
  new ContextRoot().attach(body);
}
