// planship-portal/ssr: the elements rendered into the host's HTML on its server, from the
// gateway's snapshot of the request (`await gateway.snapshot(request)`: what `/portal` answers, a
// signed-in customer's portal or, for a visitor, the public catalog). The HTML holds the elements
// in declarative shadow DOM with their content (readable with no JavaScript, by search engines
// too) and the snapshot, from which the page's elements hydrate with no request before first
// content. Lit SSR (`@lit-labs/ssr`, an optional peer dependency) is loaded on first use.
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { PlanshipCustomer, type PortalAnswer } from '../client/customer.ts';
import type { PortalAnswer as GatewayPortalAnswer } from '../gateway/bootstrap.ts';
import { AlertGroups } from '../components/shared/alert-groups.ts';
import { canonicalLang } from '../components/shared/localize.ts';
import { SNAPSHOT_ATTRIBUTE, withServerScope } from '../components/shared/server-scope.ts';

/** What `gateway.snapshot(request)` gives: the request's `/portal` answer. */
export type Snapshot = GatewayPortalAnswer;

export interface RenderOptions {
  /** The request's snapshot: `await gateway.snapshot(request)`. */
  snapshot: Snapshot;
  /** The page's language (its `lang`), in which the elements speak; default `en`. */
  lang?: string;
}

/** The snapshot as a script element the provider finds (`<` and friends escaped: no way out of the script). */
export function snapshotScript(snapshot: Snapshot): string {
  const slug = productSlugOf(snapshot);
  const json = JSON.stringify(snapshot).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script type="application/json" ${SNAPSHOT_ATTRIBUTE}="${escapeAttribute(slug ?? '')}">${json}</script>`;
}

/** The product a snapshot is of (undefined: not a snapshot). */
function productSlugOf(snapshot: Snapshot): string | undefined {
  const slug = (snapshot.product as { slug?: unknown } | undefined)?.slug;
  return typeof slug === 'string' ? slug : undefined;
}

const escapeAttribute = (text: string) => text.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);

/** The shipped languages, imported on the server (where the page's on-demand loading does not run). */
const LANGUAGES = new Map<string, () => Promise<unknown>>([
  ['ar', () => import('../locales/ar.ts')],
  ['de', () => import('../locales/de.ts')],
  ['es', () => import('../locales/es.ts')],
  ['fr', () => import('../locales/fr.ts')],
  ['ja', () => import('../locales/ja.ts')],
]);

let loading: Promise<{ render: typeof import('@lit-labs/ssr').render; collect: typeof import('@lit-labs/ssr/lib/render-result.js').collectResultSync }> | undefined;

/** Lit SSR and the elements, loaded once (Lit SSR installs the DOM shim the elements' modules need). */
function renderer() {
  loading ??= (async () => {
    let ssr: typeof import('@lit-labs/ssr');
    try {
      ssr = await import('@lit-labs/ssr');
    } catch {
      throw new Error('planship-portal/ssr needs @lit-labs/ssr: npm install @lit-labs/ssr');
    }
    const { collectResultSync } = await import('@lit-labs/ssr/lib/render-result.js');
    await import('../elements.ts');
    return { render: ssr.render, collect: collectResultSync };
  })();
  return loading;
}

/**
 * `markup` (your page's portal tags, e.g. `<planship-provider product-slug="..." api-url="/planship">
 * <planship-plan-picker></planship-plan-picker></planship-provider>`) rendered with the elements'
 * content, followed by the snapshot for hydration. Load `planship-portal-ssr.js` (the bundle with
 * Lit's hydration support) in the page instead of `planship-portal.js`. Send the page with
 * `Cache-Control: no-store` when the snapshot is a signed-in customer's.
 */
export async function renderElements(markup: string, { snapshot, lang: asked = 'en' }: RenderOptions): Promise<string> {
  const { render, collect } = await renderer();
  const lang = canonicalLang(asked);
  await LANGUAGES.get(lang.split('-')[0].toLowerCase())?.();
  const slug = productSlugOf(snapshot);
  if (slug === undefined) throw new TypeError('renderElements needs a snapshot from gateway.snapshot(request)');
  // The client the elements read through: the snapshot in its cache, and no way to ask anything more.
  const client = new PlanshipCustomer(slug, 'me', null, {
    baseUrl: 'http://planship-ssr.invalid',
    fetch: () => Promise.reject(new Error('planship-portal/ssr: no request while rendering on the server')),
  });
  // The snapshot is what `/portal` answers over the wire: JSON all through.
  client.prime(snapshot as PortalAnswer);
  const services = { messageOverrides: () => undefined, catalogTextFor: () => undefined, announce: () => {}, alerts: new AlertGroups() };
  try {
    // Synchronous from start to end, so the scope is this render's alone.
    const html = withServerScope({ client, services, lang }, () => collect(render(staticHtml`${unsafeStatic(markup)}`)));
    return html + snapshotScript(snapshot);
  } finally {
    client.dispose();
  }
}
