import { LitElement, html, isServer, nothing, type PropertyDeclarations } from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { ConnectionState, PlanshipCustomer, Resource, Subscription } from '../../client/index.ts';
import { ActionController } from './action-controller.ts';
import { Confirmation, type ConfirmOptions } from './confirmation.ts';
import { consume, planshipClientContext, planshipServicesContext, ensureContextRoot, type ProviderServices } from './context.ts';
import { PlanshipErrorEvent, PlanshipSubscriptionChangeEvent, type CancellationReason, type SubscriptionChangeKind } from './events.ts';
import { Localize } from './localize.ts';
import type { PlanshipMessages } from './messages.ts';
import { observedWidth, observeWidth, rememberHeight, rememberedHeight } from './remembered-height.ts';
import { canRetry, describeError } from './wording.ts';
import { serverScope } from './server-scope.ts';

export type { ConfirmOptions };

/** `light`, `dark`, or `auto` (the system's); absent: the host page's `color-scheme`. */
export type Theme = 'light' | 'dark' | 'auto';

/** 'true' or no attribute, for ARIA states. */
export const flag = (on: unknown) => (on ? 'true' : nothing);

/** A heading level from an attribute: 1 to 6, else the element's default. */
export const headingLevel = (level: number | undefined, fallback: number) =>
  Number.isInteger(level) && level! >= 1 && level! <= 6 ? level! : fallback;

const CLIENT_EVENTS = ['planship-change', 'planship-connection'] as const;

/**
 * What every portal element shares: the client and services of the nearest <planship-provider>,
 * its language and messages (`m`, from the nearest `lang`), the live connection state, re-reads
 * on `planship-change`, one user action at a time (`actions`), a confirmation dialog, and the
 * loading / error / reconnecting templates. Not registered itself.
 *
 * Theme tokens: set them anywhere above the elements (`:root`, a wrapper, the provider); each
 * color's default has a light and a dark value (light-dark()), so a value you set applies to
 * both themes unless you write light-dark() yourself. Defaults below are the light ones.
 *
 * @cssprop [--planship-color-text=#1b1f24] - Text (dark: #e6edf3).
 * @cssprop [--planship-color-muted=#57606a] - Secondary text (dark: #9da7b3).
 * @cssprop [--planship-color-surface=#fff] - Cards, inputs, dialogs, themed hosts (dark: #161b22).
 * @cssprop [--planship-color-border=#d0d7de] - Card borders and meter tracks (dark: #3d444d).
 * @cssprop [--planship-color-control-border=#818b98] - Borders of inputs and buttons, 3:1 on the surface (dark: #6e7681).
 * @cssprop [--planship-color-accent=#0b57d0] - Current and recommended plan, primary buttons, focus rings, meters (dark: #7cacf8).
 * @cssprop [--planship-color-accent-contrast=#fff] - Text on the accent (dark: #0d1117).
 * @cssprop [--planship-color-danger=#b3261e] - Errors and destructive actions (dark: #ff8a80).
 * @cssprop [--planship-color-danger-contrast=#fff] - Text on the danger colour: a destructive confirmation's button (dark: #0d1117).
 * @cssprop [--planship-color-warning=#8a5300] - The reconnecting hint, a meter near its limit, a cancelled status (dark: #f2c14e).
 * @cssprop [--planship-color-success=#146c2e] - The "Active" status (dark: #6fdd8b).
 * @cssprop [--planship-radius=8px] - Corner radius.
 * @cssprop [--planship-space=0.75rem] - Spacing unit: cards are padded twice this, gaps scale with it.
 * @cssprop [--planship-font-family=system-ui] - Font.
 *
 * @fires planship-error - A read or action failed (the element shows it in words, with a retry button when retrying can help).
 */
export class PlanshipElement extends LitElement {
  static override properties: PropertyDeclarations = {
    client: { state: true },
    services: { state: true },
    theme: { type: String, reflect: true },
    connectionState: { state: true },
  };

  /** The API client, provided by the nearest <planship-provider>. */
  protected client?: PlanshipCustomer;

  /** The nearest provider's services; undefined when the element is in none. */
  protected services?: ProviderServices;

  /**
   * `light`, `dark` or `auto` (the system's), for this element and the ones inside it; absent:
   * the theme of a provider around it, else the host page's `color-scheme` (light if it sets none).
   */
  theme?: Theme;

  /** The element's language (the nearest `lang`), its messages and number/date formats. */
  protected readonly localize = new Localize(this, true);

  /** The client's live connection state, for the reconnecting hint. */
  protected connectionState: ConnectionState = 'idle';

  /** The user action under way and the last failed one. */
  protected readonly actions = new ActionController(this, (error, action) => this.fail(error, action));

  /** The confirmation dialog. */
  private readonly confirmation = new Confirmation(this);

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

  /** Reads made with `load()` that can be answered from what the client already knows. */
  private readonly peeks = new Map<Task<unknown[], unknown>, (client: PlanshipCustomer) => unknown>();

  constructor() {
    super();
    const scope = isServer ? serverScope() : undefined;
    if (scope) {
      // A server render: no provider to find through the DOM; the render hands them over.
      this.client = scope.client;
      this.services = scope.services;
      // Lit SSR runs no controller's hostUpdate: the language (and its `dir`) is set here, once.
      this.localize.hostUpdate();
    }
    consume(this, planshipClientContext, (client) => (this.client = client));
    consume(this, planshipServicesContext, (services) => {
      this.services = services;
      this.localize.overrides = services?.messageOverrides;
      this.localize.catalogText = services?.catalogTextFor;
    });
    // A controller rather than lifecycle overrides, so subclasses cannot forget to call super.
    const listen = () => this.listenTo(this.client);
    this.addController({
      hostConnected: () => {
        listen();
        // Its width, for the remembered height, arrives after layout: then a loading placeholder
        // can take the room of that width (only a placeholder: content must not re-render for it).
        if (!isServer) observeWidth(this, () => this.renderRoot.querySelector('[part~=loading]') && this.requestUpdate());
      },
      hostUpdate: () => {
        listen();
        // Errors claim their alert again as they render.
        this.services?.alerts.release(this);
      },
      hostUpdated: () => {
        const base = this.renderRoot.querySelector('[part~=base]');
        if (base) rememberHeight(base, this.heightKey);
      },
      hostDisconnected: () => {
        this.listenTo();
        this.services?.alerts.release(this);
      },
    });
  }

  /** Content heights are remembered per element and product, and by width once observed (never read during a render: that would force a layout). */
  private heightKey = () => (this.client ? { name: `${this.localName}:${this.client.productSlug}`, width: observedWidth(this) } : undefined);

  /** The messages in the element's language. */
  protected get m(): PlanshipMessages {
    return this.localize.m;
  }

  /** Waits for the messages of a language still loading, so it never shows English first. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    return this.localize.whenReady(() => super.scheduleUpdate());
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
    peek?: (client: PlanshipCustomer) => R | undefined,
  ): Task<unknown[], R> {
    const task = new Task<unknown[], R>(this, {
      args: () => [this.client, ...args()],
      task: (_, { signal }) => (this.client ? read(this.client, signal) : initialState),
      onError: (error) => this.fail(error),
    });
    this.loads.push([watched, task as Task<unknown[], unknown>]);
    // What the client already knows renders at once: a server render, and the page's first
    // render from the same snapshot (so hydration changes nothing), need no request.
    if (peek) this.peeks.set(task as Task<unknown[], unknown>, peek as (client: PlanshipCustomer) => unknown);
    return task;
  }

  /** A read's value: its answer, else what the client already knows (none after a failure). */
  protected valueFor<R>(task: Task<unknown[], R>): R | undefined {
    if (task.value !== undefined || task.status === TaskStatus.ERROR || !this.client) return task.value;
    return this.peeks.get(task as Task<unknown[], unknown>)?.(this.client) as R | undefined;
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

  /** Says `message` politely (the provider's status region), e.g. after a change succeeded. */
  protected announce(message: string): void {
    this.services?.announce(message);
  }

  /**
   * Runs the action `key` (one at a time, pending and failure shown by the element), then tells
   * the page that subscription `id` changed (with a cancellation's `reason`, if given) and
   * announces `success`. True when it succeeded.
   */
  protected changeSubscription(
    key: string,
    action: string,
    id: string,
    change: SubscriptionChangeKind,
    work: () => Promise<Subscription | void>,
    success: string,
    reason?: CancellationReason,
  ) {
    return this.actions.run(key, action, async () => {
      const subscription = (await work()) ?? undefined;
      this.emit(new PlanshipSubscriptionChangeEvent(id, change, subscription, reason));
      this.announce(success);
    });
  }

  /** Asks a yes/no question in a modal dialog; true on confirm. The template must hold `renderDialog()`. */
  protected confirm(options: ConfirmOptions): Promise<boolean> {
    return this.confirmation.ask(options);
  }

  protected renderDialog() {
    return this.confirmation.render(this.m.cancel);
  }

  /**
   * The states of a read, in `part="base"`: not connected (no provider answered), error with
   * retry, loading (`skeleton`, shaped like the content and as tall as the content was last
   * time, named `label`), then `content(value)`; with the reconnecting hint above (not beside an
   * error) unless `hint` is false.
   */
  protected renderTask<R>(
    task: Task<unknown[], R>,
    label: string,
    skeleton: unknown,
    content: (value: NonNullable<R>) => unknown,
    hint = true,
  ) {
    if (!this.services) return html`<p part="empty" class="muted">${this.m.notConnected}</p>`;
    const value = this.valueFor(task);
    return html`<div part="base" class="stack">
      ${hint && this.connectionState === 'reconnecting' && task.status !== TaskStatus.ERROR
        ? html`<p part="stale" class="stale">${this.m.reconnecting}</p>`
        : nothing /* beside an error there are no numbers to be out of date */}
      ${task.status === TaskStatus.ERROR
        ? this.renderLoadError(task.error, () => void task.run(), this.client?.signedIn === false ? 'load-catalog' : 'load')
        : value
          ? content(value)
          : html`<div part="loading" class="stack" role="progressbar" aria-busy="true" aria-label=${label}
              style=${`min-height: ${rememberedHeight(this.heightKey) ?? 0}px`}>${skeleton}</div>`}
    </div>`;
  }

  /**
   * A failed read, shown once per provider: the first element of the provider in the page whose
   * read failed with the same words shows the error box, whose Retry re-runs every one of their
   * reads; the others show `note` (default: a short line that points at the box), never content.
   */
  protected renderLoadError(error: unknown, retry: () => void, action = 'load', note: unknown = html`<p part="error-note" class="muted">${this.m.errorShownAbove}</p>`) {
    const group = this.services?.alerts.fail(describeError(this.m, error, action), this, retry);
    return group && !group.shows ? note : this.renderError(error, action, group?.retry ?? retry);
  }

  /**
   * An error in words (`role="alert"` unless another element of the provider already alerts the
   * same text), with a retry button only when retrying can help; `wrap` puts it in context.
   */
  protected renderError(error: unknown, action: string, retry: () => void, part = 'error', wrap = (text: string) => text) {
    const text = wrap(describeError(this.m, error, action));
    const alert = this.services?.alerts.claim(text, this) ?? true;
    return html`<div part=${part} class="alert" role=${alert ? 'alert' : nothing}>
      ${text} ${canRetry(error, action) ? html`<button part="retry-button" type="button" @click=${retry}>${this.m.retry}</button>` : nothing}
    </div>`;
  }

  /** The last failed action, when its key starts with `key`, with its retry. */
  protected renderFailure(key = '', wrap?: (text: string) => string) {
    const failure = this.actions.failure;
    return failure?.key.startsWith(key) ? this.renderError(failure.error, failure.action, failure.retry, 'action-error', wrap) : nothing;
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
