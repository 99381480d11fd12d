/** A message's forms per plural category of a language; `other` is required (the fallback). */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * The plural chooser of a language: `plural('de')(3, { one: 'Platz', other: 'Plätze' })`.
 * Uses `Intl.PluralRules`, so a language with more categories (Arabic: zero, one, two, few,
 * many, other) only needs to list them.
 */
export function plural(lang: string): (count: number, forms: PluralForms) => string {
  const rules = new Intl.PluralRules(lang);
  return (count, forms) => forms[rules.select(count)] ?? forms.other;
}
