import { html, nothing, type ReactiveController, type ReactiveElement } from 'lit';
import { keyed } from 'lit/directives/keyed.js';

export interface ConfirmOptions {
  heading: string;
  /** Paragraphs, e.g. when a change takes effect and what it costs. */
  lines?: readonly string[];
  /** Titled lists, e.g. what a plan change gains and loses; an empty one is left out. */
  lists?: readonly (readonly [title: string, items: readonly string[]])[];
  /** Form fields to answer along with "yes" (the host reads them once it resolved true), above the buttons. */
  fields?: unknown;
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
 * safe choice, has focus). The host's template must hold `render()`. Each question gets a new
 * form, so fields start from their defaults every time.
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
    // A close event that arrives after the dialog opened again (it is queued) answers nothing.
    return html`<dialog part="dialog" aria-labelledby="dialog-heading" @close=${({ target }: Event) =>
      (target as HTMLDialogElement).open || this.answer((target as HTMLDialogElement).returnValue === 'confirm')}>
      ${question
        ? keyed(question, html`<form method="dialog" class="stack">
            <h2 id="dialog-heading" part="dialog-heading">${question.heading}</h2>
            ${question.lines?.map((line) => html`<p>${line}</p>`)}
            ${question.lists?.map(([title, items]) =>
              items.length ? html`<div><p>${title}</p><ul>${items.map((item) => html`<li>${item}</li>`)}</ul></div>` : nothing,
            )}
            ${question.fields ?? nothing}
            <div class="row">
              <button part="dialog-cancel" value="cancel" autofocus>${question.cancelLabel ?? cancel}</button>
              <button part="dialog-confirm" class=${question.destructive ? 'destructive' : 'primary'} value="confirm">${question.confirmLabel}</button>
            </div>
          </form>`)
        : nothing}
    </dialog>`;
  }
}
