// `cancel-reasons`: an optional reason (and comment) in the cancel dialog, sent along in the
// event and, as metadata, in the request; nothing more when the customer prefers not to say.
import { expect, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/index.ts';
import type { PlanshipSubscriptionManager } from '../../src/components/subscription-manager/subscription-manager.ts';
import type { PlanshipSubscriptionChangeEvent } from '../../src/components/shared/events.ts';
import { admin, createCustomer, mountProvider, openDialog, until } from './helpers.ts';

/** The bodies of the page's PATCH requests while it runs; `restore()` puts fetch back. */
function recordPatches() {
  const realFetch = window.fetch;
  const bodies: unknown[] = [];
  window.fetch = (input, init) => {
    if (init?.method === 'PATCH') bodies.push(JSON.parse(String(init.body)));
    return realFetch(input, init);
  };
  return { bodies, restore: () => (window.fetch = realFetch) };
}

async function mount(customerId: string, manager: TemplateResult, theme = 'light') {
  const provider = await mountProvider(customerId, manager);
  provider.setAttribute('theme', theme);
  const element = provider.querySelector('planship-subscription-manager') ?? provider.querySelector('planship-customer-portal')!.shadowRoot!.querySelector('planship-subscription-manager')!;
  await until(() => element.shadowRoot?.querySelector('[part~=cancel-button]'), 'no cancel button');
  return element as PlanshipSubscriptionManager;
}

/** Opens the cancel dialog; its reason radios (label text, checked) and its comment. */
async function openCancel(manager: PlanshipSubscriptionManager) {
  manager.shadowRoot!.querySelector<HTMLButtonElement>('[part~=cancel-button]')!.click();
  const dialog = await openDialog(manager);
  const radios = [...dialog.querySelectorAll<HTMLInputElement>('[part~=cancel-reasons] input[type=radio]')];
  return {
    dialog,
    radios,
    labels: radios.map((radio) => radio.closest('label')!.textContent!.trim()),
    comment: dialog.querySelector<HTMLTextAreaElement>('[part~=cancel-comment]'),
    choose: (label: string) => {
      const radio = radios.find((candidate) => candidate.closest('label')!.textContent!.trim() === label)!;
      radio.click();
    },
    confirm: () => dialog.querySelector<HTMLButtonElement>('[part~=dialog-confirm]')!.click(),
  };
}

async function subscriptionOnServer(customerId: string) {
  return (await admin('GET', `/api/v1/customers/${customerId}/subscriptions`)).body[0] as { auto_renew: boolean; is_active: boolean };
}

describe('cancel-reasons on <planship-subscription-manager>', () => {
  afterEach(() => fixtureCleanup());

  for (const theme of ['light', 'dark'] as const) {
    it(`offers the built-in reasons, "Prefer not to say" chosen, the comment closed until a reason is (accessible, ${theme})`, async () => {
      const manager = await mount(await createCustomer({ plan: 'pro' }), html`<planship-subscription-manager cancel-reasons></planship-subscription-manager>`, theme);
      const { dialog, radios, labels, comment, choose } = await openCancel(manager);
      expect(dialog.querySelector('legend')!.textContent).to.equal('Why are you cancelling? (optional)');
      expect(labels).to.deep.equal([
        'Prefer not to say',
        'It costs too much',
        'It lacks something I need',
        'I do not use it enough',
        'I am moving to another product',
        'It did not work well for me',
        'Another reason',
      ]);
      expect(radios.map((radio) => radio.checked)).to.deep.equal([true, false, false, false, false, false, false]);
      expect(comment!.disabled).to.equal(true);
      expect(comment!.maxLength).to.equal(500);
      expect(comment!.labels![0].textContent).to.equal('Anything else you would like to tell us? (optional)');
      // The safe choice still has focus first.
      expect(manager.shadowRoot!.activeElement!.getAttribute('part')).to.equal('dialog-cancel');
      await expect(dialog).to.be.accessible();
      choose('It costs too much');
      expect(comment!.disabled).to.equal(false);
      await expect(dialog).to.be.accessible();
      choose('Prefer not to say');
      expect(comment!.disabled).to.equal(true);
    });
  }

  it('sends the chosen reason and the comment (trimmed, at most 500 characters) in the event and as metadata', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const manager = await mount(id, html`<planship-subscription-manager cancel-reasons></planship-subscription-manager>`);
    const { choose, comment, confirm } = await openCancel(manager);
    choose('It costs too much');
    comment!.value = `  ${'x'.repeat(600)}  `;
    const patches = recordPatches();
    const changed = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    confirm();
    const event = await changed;
    patches.restore();
    expect(event.change).to.equal('auto-renew');
    expect(event.reason).to.deep.equal({ value: 'too_expensive', comment: 'x'.repeat(500) });
    expect(patches.bodies).to.deep.equal([{ auto_renew: false, metadata: { cancellation_reason: 'too_expensive', cancellation_comment: 'x'.repeat(500) } }]);
    expect((await subscriptionOnServer(id)).auto_renew).to.equal(false);
  });

  it('sends nothing more when the customer prefers not to say (and a comment typed meanwhile stays behind)', async () => {
    const id = await createCustomer({ plan: 'pro' });
    const manager = await mount(id, html`<planship-subscription-manager cancel-reasons></planship-subscription-manager>`);
    const { choose, comment, confirm } = await openCancel(manager);
    choose('Another reason');
    comment!.value = 'Never mind';
    choose('Prefer not to say');
    const patches = recordPatches();
    const changed = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    confirm();
    const event = await changed;
    patches.restore();
    expect(event.reason).to.equal(undefined);
    expect(patches.bodies).to.deep.equal([{ auto_renew: false }]);
  });

  it("offers the host's own reasons (labels as text), with cancel-at=\"now\"; a new dialog starts from \"Prefer not to say\"", async () => {
    const id = await createCustomer({ plan: 'pro' });
    const reasons = [
      { value: 'price', label: '<b>Price</b>' },
      { value: 'team-left', label: 'Our team left' },
    ];
    const manager = await mount(id, html`<planship-subscription-manager cancel-at="now" .cancelReasons=${reasons}></planship-subscription-manager>`);
    let dialog = await openCancel(manager);
    expect(dialog.labels).to.deep.equal(['Prefer not to say', '<b>Price</b>', 'Our team left']);
    expect(dialog.dialog.querySelector('b')).to.equal(null);
    dialog.choose('<b>Price</b>');
    dialog.dialog.querySelector<HTMLButtonElement>('[part~=dialog-cancel]')!.click();
    await until(() => !dialog.dialog.open);
    dialog = await openCancel(manager);
    expect(dialog.radios.map((radio) => radio.checked)).to.deep.equal([true, false, false]);
    dialog.choose('<b>Price</b>');
    const patches = recordPatches();
    const changed = oneEvent(manager, 'planship-subscription-change') as Promise<PlanshipSubscriptionChangeEvent>;
    dialog.confirm();
    const event = await changed;
    patches.restore();
    expect([event.change, event.reason]).to.deep.equal(['active', { value: 'price' }]);
    expect(patches.bodies).to.deep.equal([{ is_active: false, metadata: { cancellation_reason: 'price' } }]);
    expect((await subscriptionOnServer(id)).is_active).to.equal(false);
  });

  it('asks no reason without cancel-reasons; <planship-customer-portal cancel-reasons> passes it to its manager', async () => {
    const plain = await mount(await createCustomer({ plan: 'pro' }), html`<planship-subscription-manager></planship-subscription-manager>`);
    expect((await openCancel(plain)).radios).to.have.length(0);
    fixtureCleanup();
    const inPortal = await mount(await createCustomer({ plan: 'pro' }), html`<planship-customer-portal cancel-reasons></planship-customer-portal>`);
    expect((await openCancel(inPortal)).radios).to.have.length(7);
  });
});
