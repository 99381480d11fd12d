// What a customer sees while waiting and hears after acting: placeholders the size of the
// content (no jump above 40 px), and one polite announcement per successful change.
import { expect, fixtureCleanup, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';
import { answerDialog, createCustomer, deepQuery, mountProvider, slowTokenGetter, until } from './helpers.ts';

const MAX_JUMP = 40;
const height = (element: Element) => element.getBoundingClientRect().height;

/** The element's height while loading (token held) and once its content is there. */
async function heights(customerId: string, tag: string, element: TemplateResult, loaded: (element: Element) => unknown) {
  const slow = slowTokenGetter(customerId);
  const provider = await mountProvider(customerId, element, slow.getter);
  const target = provider.querySelector(tag)!;
  await until(() => target.shadowRoot!.querySelector('[part~=loading]'), 'no loading state');
  const loading = height(target);
  slow.release();
  await until(() => loaded(target), 'no content');
  return { loading, content: height(target) };
}

const statusOf = (provider: PlanshipProvider) => provider.shadowRoot!.querySelector('[role=status]')!;

describe('feedback', () => {
  afterEach(() => fixtureCleanup());

  it(`the meter's placeholder is within ${MAX_JUMP}px of its content`, async () => {
    const id = await createCustomer({ plan: 'pro' });
    const { loading, content } = await heights(id, 'planship-usage-meter', html`<planship-usage-meter lever="api-calls"></planship-usage-meter>`, (meter) =>
      meter.shadowRoot!.querySelector('[role=meter]'),
    );
    expect(Math.abs(content - loading), `loading ${loading}px, content ${content}px`).to.be.at.most(MAX_JUMP);
  });

  it(`the subscription manager's placeholder is within ${MAX_JUMP}px of an administrator's subscription`, async () => {
    const id = await createCustomer({ plan: 'pro', maxSubscribers: 3 });
    const { loading, content } = await heights(
      id,
      'planship-subscription-manager',
      html`<planship-subscription-manager></planship-subscription-manager>`,
      (manager) => manager.shadowRoot!.querySelector('[part~=members]')?.shadowRoot?.querySelector('[part~=member-list]'),
    );
    expect(Math.abs(content - loading), `loading ${loading}px, content ${content}px`).to.be.at.most(MAX_JUMP);
  });

  it(`the plan picker's placeholder takes the room its plans took before (within ${MAX_JUMP}px)`, async () => {
    const id = await createCustomer({ plan: 'pro' });
    sessionStorage.clear();
    const picker = html`<planship-plan-picker></planship-plan-picker>`;
    const plans = (element: Element) => element.shadowRoot!.querySelector('[role=radiogroup]');
    const first = await heights(id, 'planship-plan-picker', picker, plans);
    // A first visit knows nothing of the plans yet: say how far off its shape was.
    console.log(`plan picker, first visit: placeholder ${first.loading}px, plans ${first.content}px`);
    // The height is noted once the content has been laid out (a ResizeObserver).
    await until(() => Object.keys(sessionStorage).some((key) => key.includes('planship-plan-picker')), 'the height was not remembered');
    fixtureCleanup();
    const again = await heights(id, 'planship-plan-picker', picker, plans);
    expect(Math.abs(again.content - again.loading), `loading ${again.loading}px, content ${again.content}px`).to.be.at.most(MAX_JUMP);
    expect(again.content).to.equal(first.content);
  });

  it('announces each successful change once, politely, in the provider\'s one status region', async () => {
    const id = await createCustomer({ plan: 'starter', maxSubscribers: 3 });
    const provider = await mountProvider(id, html`<planship-plan-picker></planship-plan-picker><planship-subscription-manager></planship-subscription-manager>`);
    const status = statusOf(provider);
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.equal('');
    await until(() => deepQuery(provider, '[role=radio][data-plan=pro]'), 'picker not loaded');
    deepQuery(provider, '[role=radio][data-plan=pro]')!.click();
    await answerDialog(provider.querySelector('planship-plan-picker')!);
    await until(() => status.textContent === 'Your plan is now Pro.', 'plan change not announced');
    const manager = provider.querySelector('planship-subscription-manager')!;
    const cancel = () => manager.shadowRoot!.querySelector<HTMLButtonElement>('[part~=cancel-button]');
    const plan = () => manager.shadowRoot!.querySelector('[part~=plan-name]')?.textContent;
    await until(() => plan() === 'Pro' && cancel() && !cancel()!.hasAttribute('aria-disabled'), 'manager not ready');
    cancel()!.click();
    await answerDialog(manager);
    await until(() => /^Pro ends on .+\.$/.test(status.textContent!), 'the cancellation was not announced');
    // Visually hidden, but read out.
    expect(status.getBoundingClientRect().width).to.be.at.most(1);
  });
});
