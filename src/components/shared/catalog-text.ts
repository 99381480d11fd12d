// The host's wording of its catalog per language: plan and lever names and descriptions come from
// the API in one language; a host gives them in others beside its message overrides
// (`provider.catalogText = { de: { plans: { pro: { name: 'Profi' } } } }`).

/** A plan's or lever's name and description in one language (what is left out stays the API's). */
export interface CatalogEntryText {
  name?: string;
  description?: string;
}

/** The catalog's wording in one language, by plan slug and lever slug. */
export interface CatalogText {
  plans?: Record<string, CatalogEntryText>;
  levers?: Record<string, CatalogEntryText>;
}

/** The host's catalog wording for a language (from the provider's `catalogText`). */
export type CatalogTextFor = (lang: string) => CatalogText | undefined;

/** Anything with a slug and a name: a plan, a lever, a subscription's plan. */
interface Named {
  slug: string;
  name: string;
  description?: string | null;
}

/** `tables` merged, later ones winning slug by slug and field by field; undefined when there is nothing. */
export function mergeCatalogText(tables: readonly (CatalogText | undefined)[]): CatalogText | undefined {
  const given = tables.filter((table): table is CatalogText => typeof table === 'object' && table !== null);
  if (!given.length) return undefined;
  const merge = (key: keyof CatalogText) => {
    const merged: Record<string, CatalogEntryText> = {};
    for (const table of given) for (const [slug, text] of Object.entries(table[key] ?? {})) merged[slug] = { ...merged[slug], ...text };
    return merged;
  };
  return { plans: merge('plans'), levers: merge('levers') };
}

const made = new WeakMap<object, [unknown, unknown]>();

/** `make()` once per `item` and `source`: the same object while neither changes, so re-renders compare equal. */
export function once<T>(item: object, source: unknown, make: () => T): T {
  const kept = made.get(item);
  if (kept && kept[0] === source) return kept[1] as T;
  const value = make();
  made.set(item, [source, value]);
  return value;
}

/** `item` with the host's name and description for its slug (strings only); `item` itself when there are none. */
export function worded<T extends Named>(item: T, table: Record<string, CatalogEntryText> | undefined): T {
  const text = table && Object.hasOwn(table, item.slug) ? table[item.slug] : undefined;
  const name = typeof text?.name === 'string' && text.name ? text.name : undefined;
  const description = typeof text?.description === 'string' && text.description ? text.description : undefined;
  if (!name && !description) return item;
  return once(item, text, () => ({ ...item, ...(name && { name }), ...(description && { description }) }));
}
