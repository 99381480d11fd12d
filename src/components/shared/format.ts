// Numbers, dates, money and lists in a given language (the element's: see localize.ts).
import type { PlanPrice } from '../../client/models.ts';

/** A price as the picker shows it: the client's (the gateway's `prices`, or the host's). */
export type Price = PlanPrice;

/**
 * Prices per plan slug: one price, or one per billing interval (with both `month` and `year`
 * the plan picker shows a Monthly/Yearly switch).
 */
export type Prices = Record<string, Price | readonly Price[]>;

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

/** A medium date ("Dec 3, 2026"), or '' when there is none; `timeZone` e.g. 'UTC' for a UTC calendar day. */
export function formatDate(lang: string, d: Date | string | number | null | undefined, timeZone?: string): string {
  const date = new Date(d ?? '');
  return isNaN(+date) ? '' : formatter(Intl.DateTimeFormat, lang, { dateStyle: 'medium', timeZone }).format(date);
}

/**
 * An amount of money (`signed`: with its sign, for a difference: "+$150.00"); a currency Intl
 * does not know is shown as its code after the number.
 */
export function formatMoney(lang: string, amount: number, currency: string, signed = false): string {
  const signDisplay = signed ? 'exceptZero' : 'auto';
  try {
    return formatter(Intl.NumberFormat, lang, { style: 'currency', currency, signDisplay }).format(amount);
  } catch {
    return `${formatter(Intl.NumberFormat, lang, { signDisplay }).format(amount)} ${currency}`;
  }
}

/** "CSV, JSON" in the language's own way of listing. */
export const formatList = (lang: string, items: readonly string[]): string =>
  formatter(Intl.ListFormat, lang, { style: 'short', type: 'unit' }).format(items);

/**
 * Builds the language's formatters ahead of need, e.g. while the first answer is on its way: the
 * first formatter of a language costs the most (its locale data), and it would otherwise be built
 * after the data arrived, before first content.
 */
export function warmFormatters(lang: string): void {
  formatNumber(lang, 0);
  formatDate(lang, 0);
  formatList(lang, []);
}
