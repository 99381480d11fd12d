import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { baseStyles } from './base.styles.ts';

export interface ConfirmOptions {
  heading: string;
  message?: string;
  /** Shown as a list, e.g. the entitlements a downgrade loses. */
  items?: readonly string[];
  confirmLabel?: string;
  cancelLabel?: string;
}

/**
 * @summary A modal yes/no question on the native <dialog> (focus trap and Escape come free).
 *
 * @csspart dialog - The <dialog>.
 * @csspart heading - The heading.
 * @csspart message - The message.
 * @csspart items - The list of items.
 * @csspart confirm-button - The confirming button.
 * @csspart cancel-button - The cancelling button (focused first, the safe choice).
 */
@customElement('planship-confirm-dialog')
export class PlanshipConfirmDialog extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: contents;
        /* Follow the theme of the element that opens it. */
        color-scheme: inherit;
      }
      dialog {
        max-width: min(32rem, 90vw);
        padding: calc(var(--planship-space) * 1.5);
        border: 1px solid var(--planship-color-border);
        border-radius: var(--planship-radius);
        background: var(--planship-color-surface);
        color: var(--planship-color-text);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      h2 {
        margin: 0 0 var(--planship-space);
        font-size: 1.15em;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: var(--planship-space);
        margin-top: var(--planship-space);
      }
    `,
  ];

  @state() private options?: ConfirmOptions;
  @query('dialog') private dialog!: HTMLDialogElement;
  private settle?: (confirmed: boolean) => void;

  /** Opens the dialog; resolves true on confirm, false on cancel or Escape. */
  async confirm(options: ConfirmOptions): Promise<boolean> {
    this.settle?.(false);
    this.options = options;
    await this.updateComplete;
    this.dialog.returnValue = '';
    if (!this.dialog.open) this.dialog.showModal();
    return new Promise<boolean>((resolve) => {
      this.settle = resolve;
    });
  }

  private onClose() {
    const confirmed = this.dialog.returnValue === 'confirm';
    const settle = this.settle;
    this.settle = undefined;
    settle?.(confirmed);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.settle?.(false);
    this.settle = undefined;
  }

  override render() {
    const options = this.options;
    return html`<dialog part="dialog" aria-labelledby="heading" @close=${this.onClose}>
      ${options
        ? html`<form method="dialog">
            <h2 id="heading" part="heading">${options.heading}</h2>
            ${options.message ? html`<p part="message">${options.message}</p>` : nothing}
            ${options.items?.length
              ? html`<ul part="items">
                  ${options.items.map((item) => html`<li>${item}</li>`)}
                </ul>`
              : nothing}
            <div class="actions">
              <button part="cancel-button" value="cancel" autofocus>${options.cancelLabel ?? 'Cancel'}</button>
              <button part="confirm-button" class="primary" value="confirm">${options.confirmLabel ?? 'Confirm'}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-confirm-dialog': PlanshipConfirmDialog;
  }
}
