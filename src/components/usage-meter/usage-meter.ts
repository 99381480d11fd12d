import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { TaskStatus } from '@lit/task';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './usage-meter.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { formatNumber } from '../shared/format.ts';

export type UsageStatus = 'normal' | 'warning' | 'exceeded' | 'unlimited';

interface MeterContent {
  leverName: string;
  usage: number;
  /** null: unlimited. */
  limit: number | null;
  buckets: [string, number][];
}

/** The meter, or why there is none (the empty state's message). */
type MeterData = MeterContent | string;

const WARNING_RATIO = 0.8;

function usageStatus(usage: number, limit: number | null): UsageStatus {
  if (limit === null) return 'unlimited';
  if (usage >= limit) return 'exceeded';
  return usage >= limit * WARNING_RATIO ? 'warning' : 'normal';
}

/**
 * @summary Usage of a metered lever against the plan's limit, live.
 *
 * @csspart base - The wrapper.
 * @csspart label - The lever's name.
 * @csspart value - "1,234 of 10,000".
 * @csspart meter - The meter (role="meter"), drawn as the track; also carries `warning` or `exceeded`.
 * @csspart warning - The meter at 80% of the limit or more.
 * @csspart exceeded - The meter at the limit or beyond.
 * @csspart indicator - The filled part of the meter.
 * @csspart unlimited - The "Unlimited" note.
 * @csspart buckets - The per-bucket breakdown (with `show-buckets`).
 * @csspart bucket - One bucket line.
 * @csspart empty - No such lever, or no active subscription.
 * @csspart loading - The loading indicator.
 * @csspart error - The error message with its retry button.
 * @csspart retry-button - The retry button.
 * @csspart stale - The "reconnecting" hint.
 *
 * @cssprop --planship-usage-meter-height - The track's height (default 0.5rem).
 * @cssprop --planship-usage-meter-color - The indicator's color (default the accent).
 * @cssprop --planship-usage-meter-warning-color - The indicator's color at 80% and beyond.
 * @cssprop --planship-usage-meter-exceeded-color - The indicator's color at 100% and beyond.
 *
 * @fires planship-error - A read failed (the element shows the error with a retry button).
 */
@customElement('planship-usage-meter')
export class PlanshipUsageMeter extends PlanshipElement {
  static override styles = [baseStyles, styles];

  /** The metered lever's slug, e.g. `api-calls`. */
  @property({ type: String }) lever = '';

  /** Shows usage per bucket under the meter. */
  @property({ type: Boolean, attribute: 'show-buckets' }) showBuckets = false;

  /** normal, warning (>= 80%), exceeded (>= 100%) or unlimited; absent while loading or empty. */
  @property({ type: String, reflect: true }) status?: UsageStatus;

  private task = this.load(
    ['usage', 'entitlements', 'subscriptions', 'plans'],
    async (client, signal): Promise<MeterData> => {
      const lever = this.lever;
      // All four in parallel: the client serves most from its cache, so a live update costs
      // one round trip for usage (entitlements arrive with the push itself).
      const [levers, subscriptions, usage, entitlements] = await Promise.all([
        client.listLevers({ signal }),
        client.listSubscriptions({ productSlug: client.productSlug, signal }),
        client.getLeverUsage(lever, { signal }).catch((error: unknown) => ({ error })),
        client.getEntitlements({ signal }),
      ]);
      const info = levers.find((candidate) => candidate.slug === lever && candidate.type === 'metered');
      if (!info) return `There is no usage lever called "${lever}".`;
      if (!subscriptions.some((subscription) => subscription.isActive)) return 'No active subscription.';
      if ('error' in usage) throw usage.error;
      // A metered entitlement is what remains (below zero once exceeded), or null: unlimited.
      const remaining = entitlements[lever];
      const limit = remaining === null ? null : Number(remaining) + usage.total;
      const buckets = Object.entries(usage.byBucket).map(([bucket, amount]) => [bucket, Number(amount)] as [string, number]);
      return { leverName: info.name, usage: usage.total, limit, buckets };
    },
    () => [this.lever],
  );

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const data = this.task.status === TaskStatus.ERROR ? undefined : this.task.value;
    this.status = typeof data === 'object' ? usageStatus(data.usage, data.limit) : undefined;
  }

  override render() {
    return this.renderTask(this.task, 'Loading usage', (data) =>
      typeof data === 'string' ? html`<p part="empty" class="muted">${data}</p>` : this.renderContent(data),
    );
  }

  private renderContent({ leverName, usage, limit, buckets }: MeterContent) {
    const status = this.status; // set from the same data in willUpdate
    const used = formatNumber(usage);
    return html`<div class="row">
        <span part="label" id="label">${leverName}</span>
        <span part="value">${limit === null ? `${used} used` : `${used} of ${formatNumber(limit)}`}</span>
      </div>
      ${limit === null
        ? html`<p part="unlimited">Unlimited</p>`
        : html`<div
            part=${status === 'warning' || status === 'exceeded' ? `meter ${status}` : 'meter'}
            role="meter"
            aria-labelledby="label"
            aria-valuemin="0"
            aria-valuemax=${limit}
            aria-valuenow=${usage}
            aria-valuetext=${`${used} of ${formatNumber(limit)} ${leverName} used${status === 'exceeded' ? ', limit reached' : ''}`}
          >
            <div part="indicator" style="width: ${limit > 0 ? Math.min(100, (usage / limit) * 100) : 100}%"></div>
          </div>`}
      ${this.showBuckets && buckets.length
        ? html`<ul part="buckets" class="muted" aria-label="Usage by bucket">
            ${buckets.map(
              ([bucket, amount]) =>
                html`<li part="bucket" class="row"><span>${bucket && bucket !== 'null' ? bucket : 'Unassigned'}</span><span>${formatNumber(amount)}</span></li>`,
            )}
          </ul>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-usage-meter': PlanshipUsageMeter;
  }
}
