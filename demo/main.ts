// The demo page: an account page of a made-up SaaS, built from the portal's elements.
import { html, nothing, render } from 'lit';
import '../src/index.ts';

const product = 'acme-analytics';

const params = new URLSearchParams(location.search);
let user = params.get('user') ?? 'ada@example.com';
/** The theme toggle's choice; unset follows the OS (prefers-color-scheme). */
let theme: 'light' | 'dark' | undefined;

async function backend(path: string, body: unknown) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
}

/** The demo's mail: invitations sent to the signed-in user (a real app mails them). */
let inbox: { to: string; url: string; from: string; plan: string }[] = [];

async function readInbox() {
  const answer = await fetch('/api/demo/inbox');
  inbox = answer.ok ? await answer.json() : [];
}

/** An invitation link opened as the demo user it was sent to. */
function asThisUser(url: string): string {
  const link = new URL(url, location.href);
  link.searchParams.set('user', user);
  return `${link.pathname}${link.search}`;
}

function renderPortal() {
  const themed = theme ?? nothing;
  render(
    html`
      ${inbox.length
        ? html`<aside class="tools" aria-label="Demo inbox">
            <strong>Inbox (the demo's mail):</strong>
            ${inbox.map((mail) => html`<a href=${asThisUser(mail.url)}>${mail.from} invited you to their ${mail.plan} team</a> `)}
          </aside>`
        : nothing}
      <planship-provider product-slug=${product} api-url="/planship" @planship-invitation-answer=${() => readInbox().then(renderPortal)}>
        <planship-invitation theme=${themed}></planship-invitation>
        <section aria-labelledby="plans-title">
          <h2 id="plans-title">Plans</h2>
          <p class="tools">Prices come from the demo backend's gateway (<code>prices</code>); a plan that costs more
            goes to its payment page (<code>checkout</code>) and changes once paid.</p>
          <planship-plan-picker recommended="pro" theme=${themed}>
            <a slot="contact" href="mailto:sales@example.com">Contact sales</a>
          </planship-plan-picker>
        </section>
        <section aria-labelledby="subs-title">
          <h2 id="subs-title">Subscription</h2>
          <planship-subscription-manager theme=${themed}>
            <a slot="contact" href="mailto:sales@example.com">Contact your account manager</a>
          </planship-subscription-manager>
        </section>
        <section aria-labelledby="usage-title">
          <h2 id="usage-title">Usage</h2>
          <div class="meters">
            <planship-usage-meter lever="api-calls" show-buckets theme=${themed}></planship-usage-meter>
            <planship-usage-meter lever="api-burst" theme=${themed}></planship-usage-meter>
            <planship-usage-meter lever="ai-insights" theme=${themed}></planship-usage-meter>
          </div>
          <p class="tools">Simulate usage (reported by the demo backend, as your servers would):
            ${[10, 100, 1000].map(
              (usage) => html`<button @click=${() => backend('/api/demo/usage', { metering_id: 'api-calls', usage })}>
                +${usage} API calls</button>`,
            )}
            <button @click=${() => backend('/api/demo/usage', { metering_id: 'ai-insights', usage: 1 })}>+1 AI insight</button>
          </p>
        </section>
        <section aria-labelledby="features-title">
          <h2 id="features-title">Features</h2>
          <div class="gate-demo">
            <planship-entitlement lever="sso" theme=${themed}>
              <button>Configure SSO</button>
              <p slot="denied">SSO comes with Business. <a href="#plans-title">See plans</a></p>
            </planship-entitlement>
            <planship-entitlement lever="export-formats" includes="parquet" theme=${themed}>
              <button>Export as Parquet</button>
              <p slot="denied">Parquet export needs Pro or higher.</p>
            </planship-entitlement>
            <planship-entitlement lever="dashboards" min="10" theme=${themed}>
              <p>You can build 10 or more dashboards.</p>
              <p slot="denied">Fewer than 10 dashboards on this plan.</p>
            </planship-entitlement>
          </div>
        </section>
      </planship-provider>
    `,
    document.querySelector<HTMLElement>('#portal')!,
  );
}

/** The demo's sign-in: the backend sets its session cookie; the gateway reads it on every call. */
async function signIn(id: string) {
  const answer = await fetch('/api/demo/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: id }) });
  if (!answer.ok) throw new Error(`sign-in answered ${answer.status}`);
}

async function start() {
  const status = document.querySelector('#api-status')!;
  const switcher = document.querySelector<HTMLSelectElement>('#user-switcher')!;
  try {
    const users: { id: string; name: string }[] = await (await fetch('/api/demo/users')).json();
    for (const candidate of users) switcher.add(new Option(candidate.name, candidate.id, false, candidate.id === user));
    await signIn(user);
    await readInbox();
    status.textContent = 'Signed in. The portal talks to the gateway at /planship on this origin: no token in this page.';
  } catch {
    status.textContent = 'The demo backend is not reachable. Run npm run demo.';
  }
  switcher.addEventListener('change', async () => {
    user = switcher.value;
    history.replaceState(null, '', `?user=${encodeURIComponent(user)}`);
    await signIn(user);
    await readInbox();
    render(html``, document.querySelector<HTMLElement>('#portal')!); // a new customer: a fresh provider
    renderPortal();
  });
  document.querySelector<HTMLInputElement>('#theme-toggle')!.addEventListener('change', (event) => {
    theme = (event.target as HTMLInputElement).checked ? 'dark' : 'light';
    document.documentElement.style.colorScheme = theme;
    renderPortal(); // the elements take the theme from the template, so a user switch keeps it
  });
  renderPortal();
}

start();
