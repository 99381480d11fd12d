// The server-rendered bench page's script: Lit's hydration support FIRST (before any element is
// defined, as in dist/planship-portal-ssr.js), then the elements, which take over the server's
// HTML, then the probes.
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';
import '../../src/elements.ts';
import { installProbe } from './probe.ts';

installProbe();
