import { html, nothing, type ReactiveController, type ReactiveElement } from 'lit';

export interface ConfirmOptions {
  heading: string;
  /** Paragraphs, e.g. when a change takes effect and what it costs. */
  lines?: readonly string[];
  /** Titled lists, e.g. what a plan change gains and loses; an empty one is left out. */
  lists?: readonly (readonly [title: string, items: readonly string[]])[];
  confirmLabel: string;
  /**
   * The confirmed action takes something away (cancel, remove, leave, fewer seats): its button
   * is filled with the danger colour instead of the accent. The "no" button has focus either way.
   */
  destructive?: boolean;
  /** Default: the `cancel` message. */
  cancelLabel?: string;
}

/**
 * A yes/no question in a modal <dialog> (focus trap and Escape come free; the "no" button, the
 * safe choice, has focus). The host's template must hold `render()`.
 */
export class Confirmation implements ReactiveController {
  private question?: ConfirmOptions;
  private settle?: (confirmed: boolean) => void;

  constructor(private readonly host: ReactiveElement) {
    host.addController(this);
  }

  hostDisconnected() {
    this.answer(false);
  }

  /** Resolves true on confirm, false on cancel, Escape or when the element leaves the page. */
  async ask(options: ConfirmOptions): Promise<boolean> {
    this.answer(false);
    this.question = options;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const dialog = this.host.renderRoot.querySelector('dialog')!;
    dialog.returnValue = '';
    if (!dialog.open) dialog.showModal();
    return new Promise((resolve) => (this.settle = resolve));
  }

  private answer(confirmed: boolean) {
    this.settle?.(confirmed);
    this.settle = undefined;
  }

  render(cancel: string) {
    const question = this.question;
    return html`<dialog part="dialog" aria-labelledby="dialog-heading" @close=${(event: Event) =>
      this.answer((event.target as HTMLDialogElement).returnValue === 'confirm')}>
      ${question
        ? html`<form method="dialog" class="stack">
            <h2 id="dialog-heading" part="dialog-heading">${question.heading}</h2>
            ${question.lines?.map((line) => html`<p>${line}</p>`)}
            ${question.lists?.map(([title, items]) =>
              items.length ? html`<div><p>${title}</p><ul>${items.map((item) => html`<li>${item}</li>`)}</ul></div>` : nothing,
            )}
            <div class="row">
              <button part="dialog-cancel" value="cancel" autofocus>${question.cancelLabel ?? cancel}</button>
              <button part="dialog-confirm" class=${question.destructive ? 'destructive' : 'primary'} value="confirm">${question.confirmLabel}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }
}
