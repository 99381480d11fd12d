// A server render (planship-portal/ssr) has no DOM for the elements to find their provider in:
// while it renders, the client primed with the request's snapshot, the services and the language
// are handed to every element made in that (synchronous) render from here.
import type { PlanshipCustomer } from '../../client/index.ts';
import type { ProviderServices } from './context.ts';

export interface ServerScope {
  client: PlanshipCustomer;
  services: ProviderServices;
  /** The page's language (a server render cannot read the page's `lang`). */
  lang: string;
}

/** The attribute of the script a server render leaves the snapshot in, naming its product. */
export const SNAPSHOT_ATTRIBUTE = 'data-planship-snapshot';

let current: ServerScope | undefined;

/** Runs a synchronous server render with `scope` available to the elements it makes. */
export function withServerScope<T>(scope: ServerScope, render: () => T): T {
  current = scope;
  try {
    return render();
  } finally {
    current = undefined;
  }
}

/** The scope of the server render under way, if any. */
export const serverScope = (): ServerScope | undefined => current;
