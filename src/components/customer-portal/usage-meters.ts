import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import '../usage-meter/usage-meter.ts';

/**
 * @summary One <planship-usage-meter> for every metered lever of the product.
 *
 * @csspart base - The wrapper of the meters.
 * @csspart meter - Each <planship-usage-meter>.
 * @csspart empty - The product has no metered levers.
 * @csspart loading - The loading indicator.
 * @csspart error - The error message with its retry button.
 * @csspart retry-button - The retry button.
 *
 *
 * @fires planship-error - Reading the levers failed.
 */
@customElement('planship-usage-meters')
export class PlanshipUsageMeters extends PlanshipElement {
  static override styles = baseStyles;

  /** Passed to each meter: show usage per bucket. */
  @property({ type: Boolean, attribute: 'show-buckets' }) showBuckets = false;

  private task = this.load(['product'], async (client, signal) =>
    (await client.listLevers({ signal })).filter((lever) => lever.type === 'metered'),
  );

  override render() {
    return this.renderTask(
      this.task,
      'Loading usage',
      (levers) =>
        levers.length
          ? levers.map(
              (lever) =>
                html`<planship-usage-meter part="meter" lever=${lever.slug} theme=${this.theme ?? nothing} ?show-buckets=${this.showBuckets}></planship-usage-meter>`,
            )
          : html`<p part="empty" class="muted">This product has no metered usage.</p>`,
      false,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-usage-meters': PlanshipUsageMeters;
  }
}
