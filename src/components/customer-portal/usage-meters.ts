import { css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { Resource } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import '../usage-meter/usage-meter.ts';

/**
 * @summary One <planship-usage-meter> for every metered lever of the product.
 *
 * @csspart base - The list of meters.
 * @csspart meter - Each <planship-usage-meter>.
 * @csspart empty - The product has no metered levers.
 * @csspart loading - The loading indicator.
 * @csspart error - The error message with its retry button.
 *
 * @cssprop --planship-space - Gap between meters (and the other --planship-* tokens).
 *
 * @fires planship-error - Reading the levers failed.
 */
@customElement('planship-usage-meters')
export class PlanshipUsageMeters extends PlanshipElement {
  static override styles = [
    baseStyles,
    css`
      [part~='base'] {
        display: grid;
        gap: calc(var(--planship-space) * 1.5);
        margin: 0;
        padding: 0;
        list-style: none;
      }
    `,
  ];

  /** Passed to each meter: show usage per bucket. */
  @property({ type: Boolean, attribute: 'show-buckets' }) showBuckets = false;

  private readonly task = new Task(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }) => {
      if (!client) return initialState;
      const levers = await client.listLevers({ signal });
      return levers.filter((lever) => lever.type === 'metered');
    },
    onError: (error) => this.fail(error, 'load'),
  });

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (resources.has('product')) void this.task.run();
  }

  override render() {
    if (!this.client) return this.renderNoClient();
    if (this.task.status === TaskStatus.ERROR) return this.renderError(this.task.error, () => void this.task.run());
    const levers = this.task.value;
    if (!levers) return this.renderLoading('Loading usage');
    if (!levers.length) return html`<p part="empty" class="muted">This product has no metered usage.</p>`;
    return html`<ul part="base">
      ${levers.map(
        (lever) =>
          html`<li>
            <planship-usage-meter part="meter" lever=${lever.slug} theme=${ifDefined(this.theme)} ?show-buckets=${this.showBuckets}></planship-usage-meter>
          </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-usage-meters': PlanshipUsageMeters;
  }
}
