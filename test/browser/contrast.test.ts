// Every badge and button of the plan picker and the subscription manager reaches its contrast
// (text 4.5:1 against what is painted behind it, control boundaries 3:1 against their
// surroundings) in every combination a customer can meet: a plan that is or is not the current
// one, recommended or not, with a change scheduled or not, the subscription cancelled or not, in
// the light and the dark theme. Real data from the local server.
import { expect, fixtureCleanup, html } from '@open-wc/testing';
import '../../src/index.ts';
import { admin, createCustomer, deepElements, deepQuery, mountProvider, subscribedCustomer, transitionsDone, until } from './helpers.ts';
import { contrastChecks, failures } from './contrast.ts';

const count = (root: Element, selector: string) => deepElements(root).filter((element) => element.matches(selector)).length;

describe('contrast of every badge and button', () => {
  afterEach(() => fixtureCleanup());

  for (const theme of ['light', 'dark'] as const) {
    for (const scheduled of [false, true]) {
      for (const cancelled of [false, true]) {
        const state = `${scheduled ? 'a change to Starter scheduled' : 'no change scheduled'}, ${cancelled ? 'cancelled' : 'renewing'}`;
        it(`current and other plans, recommended or not: ${state} (${theme})`, async () => {
          const change = { ...(scheduled ? { renew_plan_slug: 'starter' } : {}), ...(cancelled ? { auto_renew: false } : {}) };
          const { id, subscriptionId } = await subscribedCustomer('pro', { max_subscribers: 3, ...change });
          // A teammate, so the manager shows a Remove button too.
          const mate = await admin('POST', `/api/v1/customers/${id}/subscriptions/${subscriptionId}/customers`, { customer_id: await createCustomer() });
          expect(mate.status).to.equal(200);
          // Pro is the current plan: recommended in one picker, Business in the other.
          const provider = await mountProvider(
            id,
            html`<planship-plan-picker theme=${theme} recommended="pro"></planship-plan-picker>
              <planship-plan-picker theme=${theme} recommended="business"></planship-plan-picker>
              <planship-subscription-manager theme=${theme}></planship-subscription-manager>`,
          );
          await until(() => count(provider, '[role=radio]') === 8 && deepQuery(provider, '[part~=remove-button]'), 'not loaded');
          await transitionsDone();

          // The combination is the one named.
          const keep = deepElements(provider).filter((element) => element.matches('[role=radio][data-plan=pro]'));
          expect(keep.map((button) => button.textContent!.trim())).to.deep.equal(Array(2).fill(scheduled || cancelled ? 'Keep Pro' : 'Current plan: Pro'));
          expect(count(provider, '[part~=renew-badge]'), 'From <date> badges').to.equal(scheduled && !cancelled ? 2 : 0);
          expect(count(provider, '[part~=recommended-badge]')).to.equal(2);
          expect(count(provider, '[part~=keep-plan-button]')).to.equal(scheduled && !cancelled ? 1 : 0);
          expect(count(provider, '[part~=resume-button]')).to.equal(cancelled ? 1 : 0);

          const checks = contrastChecks(provider);
          expect(checks.length).to.be.at.least(20);
          expect(failures(checks), 'contrast').to.deep.equal([]);
        });
      }
    }
  }
});

/** The open dialog in `host`'s shadow root: its confirm button and what has focus. */
async function dialogOf(host: Element) {
  await until(() => host.shadowRoot!.querySelector('dialog')?.open, `no dialog in <${host.localName}>`);
  const dialog = host.shadowRoot!.querySelector('dialog')!;
  return { dialog, confirm: dialog.querySelector<HTMLButtonElement>('[part~=dialog-confirm]')!, focused: host.shadowRoot!.activeElement };
}

describe('destructive confirmations', () => {
  afterEach(() => fixtureCleanup());

  for (const theme of ['light', 'dark'] as const) {
    it(`cancel, remove a member, leave the team and fewer seats confirm in the danger colour, "no" focused first; a plan change in the accent (${theme})`, async () => {
      const { id, subscriptionId } = await subscribedCustomer('pro', { max_subscribers: 3 });
      // Another administrator: the customer may leave, and remove them.
      await admin('POST', `/api/v1/customers/${id}/subscriptions/${subscriptionId}/customers`, { customer_id: await createCustomer(), is_administrator: true });
      const provider = await mountProvider(
        id,
        html`<planship-plan-picker theme=${theme}></planship-plan-picker><planship-subscription-manager theme=${theme} cancel-reasons></planship-subscription-manager>`,
      );
      const manager = provider.querySelector('planship-subscription-manager')!;
      const picker = provider.querySelector('planship-plan-picker')!;
      await until(() => deepQuery(manager.shadowRoot!, '[part~=remove-button]') && deepQuery(picker.shadowRoot!, '[role=radio]'), 'not loaded');
      const membersArea = deepQuery(manager.shadowRoot!, '[part~=members]')!;
      // The danger colour as the manager paints its (outlined) Cancel button.
      const danger = getComputedStyle(deepQuery(manager.shadowRoot!, '[part~=cancel-button]')!).color;

      const destructive: [Element, string, () => void][] = [
        [manager, 'Cancel subscription', () => deepQuery(manager.shadowRoot!, '[part~=cancel-button]')!.click()],
        [membersArea, 'Remove member', () => deepQuery(membersArea.shadowRoot!, '[part~=remove-button]')!.click()],
        [membersArea, 'Leave team', () => deepQuery(membersArea.shadowRoot!, '[part~=leave-button]')!.click()],
        [
          membersArea,
          'Reduce seats',
          () => {
            const seats = deepQuery<HTMLInputElement>(membersArea.shadowRoot!, '#seats')!;
            seats.value = '2';
            deepQuery(membersArea.shadowRoot!, '[part~=seats-button]')!.click();
          },
        ],
      ];
      for (const [host, label, open] of destructive) {
        open();
        const { dialog, confirm, focused } = await dialogOf(host);
        // With a reason chosen, the comment (a control) is open too.
        dialog.querySelector<HTMLInputElement>('[name=cancel-reason][value=other]')?.click();
        await transitionsDone();
        expect(confirm.textContent!.trim()).to.equal(label);
        expect(getComputedStyle(confirm).backgroundColor, `${label}: filled with the danger colour`).to.equal(danger);
        expect(focused?.getAttribute('part'), `${label}: the safe choice has focus`).to.equal('dialog-cancel');
        expect(failures(contrastChecks(dialog)), label).to.deep.equal([]);
        await expect(dialog, label).to.be.accessible();
        dialog.querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
        await until(() => !dialog.open);
      }

      deepQuery(picker.shadowRoot!, '[role=radio][data-plan=business]')!.click();
      const { dialog, confirm, focused } = await dialogOf(picker);
      expect(confirm.className).to.equal('primary');
      expect(getComputedStyle(confirm).backgroundColor).to.not.equal(danger);
      expect(focused?.getAttribute('part')).to.equal('dialog-cancel');
      expect(failures(contrastChecks(dialog))).to.deep.equal([]);
    });
  }
});
