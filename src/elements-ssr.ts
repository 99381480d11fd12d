// The drop-in bundle for pages a server rendered with planship-portal/ssr
// (dist/planship-portal-ssr.js): Lit's hydration support, installed before any element is
// defined, then every element, which then take over the server's HTML instead of rendering again.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import './elements.ts';
