// Numbers, dates, money and lists in a given language (the element's: see localize.ts).

export interface Price {
  amount: number;
  currency: string;
  /** e.g. 'month', 'year'; omitted for one-off prices. */
  interval?: string;
}

// Building an Intl formatter is costly and live pushes format on every render: one formatter
// per kind, language and options.
const formatters = new Map<string, unknown>();

function formatter<O, F>(Kind: new (lang: string, options: O) => F, lang: string, options: O): F {
  const key = `${Kind.name} ${lang} ${JSON.stringify(options)}`;
  let format = formatters.get(key) as F | undefined;
  if (!format) formatters.set(key, (format = new Kind(lang, options)));
  return format;
}

export const formatNumber = (lang: string, n: number): string => formatter(Intl.NumberFormat, lang, {}).format(n);

/** A medium date ("Dec 3, 2026"), or '' when there is none. */
export function formatDate(lang: string, d: Date | string | null | undefined): string {
  const date = new Date(d ?? '');
  return isNaN(+date) ? '' : formatter(Intl.DateTimeFormat, lang, { dateStyle: 'medium' }).format(date);
}

/** An amount of money; a currency Intl does not know is shown as its code after the number. */
export function formatMoney(lang: string, amount: number, currency: string): string {
  try {
    return formatter(Intl.NumberFormat, lang, { style: 'currency', currency }).format(amount);
  } catch {
    return `${formatNumber(lang, amount)} ${currency}`;
  }
}

/** "CSV, JSON" in the language's own way of listing. */
export const formatList = (lang: string, items: readonly string[]): string =>
  formatter(Intl.ListFormat, lang, { style: 'short', type: 'unit' }).format(items);
