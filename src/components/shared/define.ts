let warned = false;

/**
 * Registers an element unless its tag is taken, e.g. by a first copy of the bundle: a page that
 * loads the portal twice keeps the first copy's elements and gets one console warning, not an
 * exception.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) return customElements.define(tag, element);
  if (warned) return;
  warned = true;
  console.warn(`planship-portal was loaded more than once (<${tag}> is defined already): the first copy's elements stay in use.`);
}
