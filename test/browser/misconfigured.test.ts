// A gateway set up for a product Planship does not have (a mistyped productSlug): the page says
// the portal is not set up, in the page's language, with no Retry (trying again cannot fix it),
// never that the billing service did not answer.
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { en, type PlanshipMessages } from '../../src/components/shared/messages.ts';
import ar from '../../src/locales/ar.ts';
import de from '../../src/locales/de.ts';
import es from '../../src/locales/es.ts';
import fr from '../../src/locales/fr.ts';
import ja from '../../src/locales/ja.ts';
import { deepElements, until } from './helpers.ts';

const LANGUAGES: [string, PlanshipMessages][] = [['en', en], ['de', de], ['fr', fr], ['es', es], ['ja', ja], ['ar', ar]];

describe('a gateway set up for a product Planship does not have', () => {
  afterEach(() => fixtureCleanup());

  for (const [lang, messages] of LANGUAGES) {
    it(`says the portal is not set up, with no Retry (${lang})`, async () => {
      const { port, session } = await executeServerCommand<{ port: string; session: string }, undefined>('planship-misconfigured-gateway');
      document.cookie = `session=${session}; path=/; SameSite=Lax`;
      const apiUrl = `${location.protocol}//${location.hostname}:${port}/planship`;
      const provider = await fixture<PlanshipProvider>(html`<planship-provider lang=${lang} product-slug="acme-analytic" api-url=${apiUrl}>
        <planship-plan-picker></planship-plan-picker>
        <planship-usage-meter lever="api-calls"></planship-usage-meter>
      </planship-provider>`);
      const boxes = () => deepElements(provider).filter((element) => element.matches('[part~=error]'));
      await until(() => boxes().length === 1, 'no error box');
      const [box] = boxes();
      expect(box.getAttribute('role')).to.equal('alert');
      expect(box.textContent!.trim()).to.equal(messages.errorMisconfigured);
      if (lang !== 'en') expect(messages.errorMisconfigured, 'translated').not.to.equal(en.errorMisconfigured);
      expect(deepElements(provider).filter((element) => element.matches('[part~=retry-button]'))).to.have.length(0);
      await expect(provider).to.be.accessible();
    });
  }
});
