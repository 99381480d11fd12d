import type { PlanshipMessages } from './messages.ts';

const REGISTRY = Symbol.for('planship-portal/locales');

/**
 * The languages registered so far, by lower-case tag. On globalThis: a locale module built on
 * its own (dist/locales/de.js) and the bundle that loads it share one table.
 */
export const registeredLocales = (): Map<string, PlanshipMessages> =>
  ((globalThis as { [REGISTRY]?: Map<string, PlanshipMessages> })[REGISTRY] ??= new Map());

/**
 * Registers a language's messages; what each module in `planship-portal/locales/` does when
 * imported, so a bundler can import a language statically instead of loading it on demand.
 */
export function defineLocale(lang: string, messages: PlanshipMessages): PlanshipMessages {
  registeredLocales().set(lang.toLowerCase(), messages);
  return messages;
}
