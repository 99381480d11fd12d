import { ContextRoot, createContext } from '@lit/context';
import type { PlanshipCustomer } from '../../client/index.ts';
import type { AlertGroups } from './alert-groups.ts';
import type { MessageOverrides } from './localize.ts';

/**
 * The one API client every element reads through. A global symbol so that two copies of the
 * bundle on one page still find each other's provider.
 */
export const planshipClientContext = createContext<PlanshipCustomer | undefined>(
  Symbol.for('planship-portal/client'),
);

/** What a provider shares with the elements inside it besides the client. */
export interface ProviderServices {
  /** The host's messages for a language (`provider.messages`, `provider.locales`). */
  readonly messageOverrides: MessageOverrides;
  /** Says `message` politely in the provider's one status region (success after a change). */
  announce(message: string): void;
  readonly alerts: AlertGroups;
}

/**
 * The provider itself, as its elements see it. An element that gets no answer to this request
 * is outside any provider ("not connected"); one that gets it but no client yet is loading.
 */
export const planshipServicesContext = createContext<ProviderServices | undefined>(
  Symbol.for('planship-portal/services'),
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
