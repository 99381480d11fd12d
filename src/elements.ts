// The drop-in bundle's entry (dist/planship-portal.js): it registers every <planship-*> element
// and exports nothing, as a page uses the elements by their tags. Exporting the client and the
// classes too would cost about 0.3 kB gzipped; code that needs them imports the library entry
// (src/index.ts, `planship-portal`), which registers the same elements.
// The order of these imports is the order of the bundle's bytes, and gzip finds repeats only
// within 32 kB: the libraries and the client first, then the words and styles just before the
// elements that use them, the small elements first (measured: 0.3 kB less than other orders).
import '@lit/task';
import './components/provider/provider.ts';
import './components/entitlement/entitlement.ts';
import './components/usage-meter/usage-meter.ts';
import './components/plan-picker/plan-picker.ts';
import './components/subscription-manager/subscription-manager.ts';
import './components/invitation/invitation.ts';
import './components/customer-portal/customer-portal.ts';
import { setLocaleBase } from './components/shared/localize.ts';

// Other languages than English are modules in locales/ beside this file (dist/locales/de.js),
// loaded the first time an element needs one. (Not `new URL(..., import.meta.url)`: bundlers
// would try to bundle the folder.)
setLocaleBase(import.meta.url.replace(/[^/]*$/, 'locales/'));
