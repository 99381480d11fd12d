import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { ConnectionState, PlanshipCustomer, Resource, Subscription } from '../../client/index.ts';
import { ActionController } from './action-controller.ts';
import { planshipClientContext, ensureContextRoot } from './context.ts';
import { PlanshipErrorEvent, PlanshipSubscriptionChangeEvent, type SubscriptionChangeKind } from './events.ts';
import { describeError } from './format.ts';

export interface ConfirmOptions {
  heading: string;
  message?: string;
  /** Shown as a list, e.g. the entitlements a downgrade loses. */
  items?: readonly string[];
  confirmLabel?: string;
  cancelLabel?: string;
}

/** 'true' or no attribute, for ARIA states. */
export const flag = (on: unknown) => (on ? 'true' : nothing);

const CLIENT_EVENTS = ['planship-change', 'planship-connection'] as const;

/**
 * What every portal element shares: the client from the nearest <planship-provider>, the live
 * connection state, re-reads on `planship-change`, one user action at a time (`actions`), a
 * confirmation dialog, and the loading / error / reconnecting templates. Not registered itself.
 *
 * Theme tokens: set them anywhere above the elements (`:root`, a wrapper, the provider); each
 * color's default has a light and a dark value (light-dark()), so a value you set applies to
 * both themes unless you write light-dark() yourself.
 *
 * @cssprop --planship-color-text - Text (default #1b1f24 / dark #e6edf3).
 * @cssprop --planship-color-muted - Secondary text (default #57606a / dark #9da7b3).
 * @cssprop --planship-color-surface - Cards, inputs, dialogs, themed hosts (default #fff / dark #161b22).
 * @cssprop --planship-color-border - Borders and tracks (default #d0d7de / dark #3d444d).
 * @cssprop --planship-color-accent - Current plan, primary buttons, focus rings, meters, switches (default #0b57d0 / dark #7cacf8).
 * @cssprop --planship-color-accent-contrast - Text on the accent (default #fff / dark #0d1117).
 * @cssprop --planship-color-danger - Errors and destructive actions (default #b3261e / dark #ff8a80).
 * @cssprop --planship-color-warning - The reconnecting hint, warnings (default #8a5300 / dark #f2c14e).
 * @cssprop --planship-color-success - The "Active" status (default #146c2e / dark #6fdd8b).
 * @cssprop --planship-radius - Corner radius (default 8px).
 * @cssprop --planship-space - Spacing unit (default 0.75rem).
 * @cssprop --planship-font-family - Font (default system-ui).
 *
 * @fires planship-error - A read or action failed (the element shows it, with a retry button).
 */
export class PlanshipElement extends LitElement {
  /** The API client, provided by the nearest <planship-provider>. */
  @state() protected client?: PlanshipCustomer;

  /** Forces the light or dark palette; absent follows `prefers-color-scheme`. */
  @property({ type: String, reflect: true }) theme?: 'light' | 'dark';

  /** The client's live connection state, for the reconnecting hint. */
  @state() protected connectionState: ConnectionState = 'idle';

  /** The user action under way and the last failed one. */
  protected readonly actions = new ActionController(this, (error, action) => this.fail(error, action));

  /** The open confirmation question, if any, and how to answer it. */
  @state() private question?: ConfirmOptions;
  private settle?: (confirmed: boolean) => void;

  private listened?: PlanshipCustomer;
  /** The reads made with `load()`, each with the resources whose change re-runs it. */
  private readonly loads: [readonly Resource[], Task<unknown[], unknown>][] = [];

  private onClientEvent = (event: Event) => {
    const { resources, state } = event as Event & { resources?: ReadonlySet<Resource>; state?: ConnectionState };
    if (resources) {
      for (const [watched, task] of this.loads) if (watched.some((resource) => resources.has(resource))) void task.run();
      this.planshipChanged(resources);
    }
    if (state) this.connectionState = state;
  };

  constructor() {
    super();
    new ContextConsumer(this, { context: planshipClientContext, subscribe: true, callback: (client) => (this.client = client) });
    // A controller rather than lifecycle overrides, so subclasses cannot forget to call super.
    const listen = () => this.listenTo(this.client);
    this.addController({
      hostConnected: listen,
      hostUpdate: listen,
      hostDisconnected: () => {
        this.listenTo();
        this.answer(false);
      },
    });
  }

  override connectedCallback(): void {
    // Before the consumer asks for the client: unanswered requests are kept and replayed.
    ensureContextRoot();
    super.connectedCallback();
  }

  private listenTo(client?: PlanshipCustomer): void {
    if (client === this.listened) return;
    for (const type of CLIENT_EVENTS) {
      this.listened?.removeEventListener(type, this.onClientEvent);
      client?.addEventListener(type, this.onClientEvent);
    }
    this.listened = client;
    if (client) this.connectionState = client.connectionState;
  }

  /**
   * A read through the client (a Task: the abort signal goes down to the client), re-run when
   * the client changes, when `args()` change, and when one of the `watched` resources changed.
   */
  protected load<R>(
    watched: readonly Resource[],
    read: (client: PlanshipCustomer, signal: AbortSignal) => Promise<R>,
    args: () => unknown[] = () => [],
  ): Task<unknown[], R> {
    const task = new Task<unknown[], R>(this, {
      args: () => [this.client, ...args()],
      task: (_, { signal }) => (this.client ? read(this.client, signal) : initialState),
      onError: (error) => this.fail(error),
    });
    this.loads.push([watched, task as Task<unknown[], unknown>]);
    return task;
  }

  /** Called after a mutation or live push, with what changed. */
  protected planshipChanged(_resources: ReadonlySet<Resource>): void {}

  /**
   * Dispatches one of the typed events; false when a listener cancelled it. (Events are
   * documented with @fires; this also keeps the manifest analyzer from guessing names.)
   */
  protected emit(event: Event): boolean {
    return this.dispatchEvent(event);
  }

  /** Tells the host page something failed (the element shows the error too). */
  protected fail(error: unknown, action = 'load'): void {
    this.emit(new PlanshipErrorEvent(error, action));
  }

  /**
   * Runs the action `key` (one at a time, pending and failure shown by the element), then tells
   * the page that subscription `id` changed. True when it succeeded.
   */
  protected changeSubscription(key: string, action: string, id: string, change: SubscriptionChangeKind, work: () => Promise<Subscription | void>) {
    return this.actions.run(key, action, async () => {
      const subscription = (await work()) ?? undefined;
      this.emit(new PlanshipSubscriptionChangeEvent(id, change, subscription));
    });
  }

  /**
   * Asks a yes/no question in a modal <dialog> (focus trap and Escape come free; Cancel, the
   * safe choice, has focus). Resolves true on confirm, false on cancel or Escape. The element's
   * template must hold `renderDialog()`.
   */
  protected async confirm(options: ConfirmOptions): Promise<boolean> {
    this.answer(false);
    this.question = options;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog')!;
    dialog.returnValue = '';
    if (!dialog.open) dialog.showModal();
    return new Promise((resolve) => (this.settle = resolve));
  }

  private answer(confirmed: boolean) {
    this.settle?.(confirmed);
    this.settle = undefined;
  }

  protected renderDialog() {
    const question = this.question;
    return html`<dialog part="dialog" aria-labelledby="dialog-heading" @close=${(event: Event) =>
      this.answer((event.target as HTMLDialogElement).returnValue === 'confirm')}>
      ${question
        ? html`<form method="dialog" class="stack">
            <h2 id="dialog-heading" part="dialog-heading">${question.heading}</h2>
            ${question.message ? html`<p>${question.message}</p>` : nothing}
            ${question.items?.length ? html`<ul>${question.items.map((item) => html`<li>${item}</li>`)}</ul>` : nothing}
            <div class="row">
              <button part="dialog-cancel" value="cancel" autofocus>${question.cancelLabel ?? 'Cancel'}</button>
              <button part="dialog-confirm" class="primary" value="confirm">${question.confirmLabel ?? 'Confirm'}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }

  /**
   * The states of a read, in `part="base"`: not connected, error with retry, loading, then
   * `content(value)`; with the reconnecting hint above unless `hint` is false.
   */
  protected renderTask<R>(task: Task<unknown[], R>, label: string, content: (value: NonNullable<R>) => unknown, hint = true) {
    if (!this.client) return html`<p part="empty" class="muted">Not connected: place this element inside a &lt;planship-provider&gt;.</p>`;
    const value = task.value;
    return html`<div part="base" class="stack">
      ${hint && this.connectionState === 'reconnecting'
        ? html`<p part="stale" class="stale" role="status">Reconnecting... numbers may be out of date</p>`
        : nothing}
      ${task.status === TaskStatus.ERROR
        ? this.renderError(task.error, () => void task.run())
        : value
          ? content(value)
          : html`<div part="loading" class="loading" role="progressbar" aria-busy="true" aria-label=${label}>
              <span class="spinner"></span>${label}
            </div>`}
    </div>`;
  }

  /** An error (`role="alert"`, human message) with a retry button. */
  protected renderError(error: unknown, retry: () => void, part = 'error', prefix = '') {
    return html`<div part=${part} class="alert" role="alert">
      ${prefix}${describeError(error)} <button part="retry-button" type="button" @click=${retry}>Retry</button>
    </div>`;
  }

  /** The last failed action, when its key starts with `key`, with its retry. */
  protected renderFailure(key = '', prefix?: string) {
    const failure = this.actions.failure;
    return failure?.key.startsWith(key)
      ? this.renderError(failure.error, failure.retry, 'action-error', prefix)
      : nothing;
  }

  /**
   * A button for the action `key`: aria-busy while it runs, and aria-disabled (not disabled, so
   * the pressed control keeps keyboard focus) while any action runs. No `click`: a submit button.
   */
  protected button(part: string, label: unknown, key: string, click?: () => unknown, cls = '', name?: string) {
    const pending = this.actions.pending;
    return html`<button
      part=${part}
      class=${cls}
      type=${click ? 'button' : 'submit'}
      aria-label=${name ?? nothing}
      aria-busy=${flag(pending === key)}
      aria-disabled=${flag(pending)}
      @click=${click}
    >${label}</button>`;
  }
}
