import { css, html, type PropertyDeclarations } from 'lit';
import { baseStyles } from '../shared/base.styles.ts';
import { define } from '../shared/define.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import '../usage-meter/usage-meter.ts';

/** A meter's own parts, exported through the list (`meter` is both each meter and its track). */
const meterParts = 'label,value,meter,warning,exceeded,indicator,unlimited,notice,upgrade-button,reset,buckets,bucket,empty,loading,error,error-note,retry-button,stale';

/** The list's parts and its meters', for `exportparts` of the elements it sits in. */
export const metersParts = `base,${meterParts}`;

const meterSkeleton = html`<div class="stack"><div class="bone" style="width: 60%"></div><div class="bone track-bone"></div></div>`;

/**
 * @summary One <planship-usage-meter> for every metered lever of the product.
 *
 * @tagname planship-usage-meters
 * @csspart base - The wrapper of the meters.
 * @csspart meter - Each <planship-usage-meter>.
 * @csspart empty - The product has no metered levers.
 * @csspart loading - The loading placeholder, shaped like two meters.
 * @csspart error - The error message with its retry button.
 * @csspart error-note - Instead of the content when the same failure is shown, with its retry, by an element earlier in the page (one error box per failure and provider).
 * @csspart retry-button - The retry button.
 * (Every part of the meters is exported too: see <planship-usage-meter>.)
 *
 * @fires planship-upgrade-request - "Upgrade" pressed on a meter near or over its limit (cancelable).
 * @fires planship-error - Reading the levers failed.
 */
export class PlanshipUsageMeters extends PlanshipElement {
  static override properties: PropertyDeclarations = {
    showBuckets: { type: Boolean, attribute: 'show-buckets' },
  };

  static override styles = [
    baseStyles,
    css`
      [part~=base] {
        gap: calc(var(--_space) * 1.5);
      }
    `,
  ];

  /** Passed to each meter: show usage per bucket. */
  showBuckets = false;

  private task = this.load(['product'], async (client, signal) =>
    (await client.listLevers({ signal })).filter((lever) => lever.type === 'metered'),
  );

  override render() {
    return this.renderTask(
      this.task,
      this.m.loadingUsage,
      html`${meterSkeleton}${meterSkeleton}`,
      (levers) =>
        levers.length
          ? levers.map((lever) => html`<planship-usage-meter part="meter" exportparts=${meterParts} lever=${lever.slug} ?show-buckets=${this.showBuckets}></planship-usage-meter>`)
          : html`<p part="empty" class="muted">${this.m.noMeteredUsage}</p>`,
      false,
    );
  }
}

define('planship-usage-meters', PlanshipUsageMeters);

declare global {
  interface HTMLElementTagNameMap {
    'planship-usage-meters': PlanshipUsageMeters;
  }
}
