import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { TaskStatus } from '@lit/task';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './usage-meter.styles.ts';
import { define } from '../shared/define.ts';
import type { Message } from '../shared/messages.ts';
import { PlanshipElement } from '../shared/planship-element.ts';

export type UsageStatus = 'normal' | 'warning' | 'exceeded' | 'unlimited';

interface MeterContent {
  leverName: string;
  usage: number;
  /** null: unlimited. */
  limit: number | null;
  buckets: [string, number][];
}

/** The meter, or why there is none (the empty state's message). */
type MeterData = MeterContent | Message;

/** A placeholder meter: the label and value line, then the track. */
const skeleton = html`<div class="row"><div class="bone" style="width: 40%"></div><div class="bone" style="width: 25%"></div></div>
  <div class="bone track-bone"></div>`;

const WARNING_RATIO = 0.8;

function usageStatus(usage: number, limit: number | null): UsageStatus {
  if (limit === null) return 'unlimited';
  if (usage >= limit) return 'exceeded';
  return usage >= limit * WARNING_RATIO ? 'warning' : 'normal';
}

/**
 * @summary Usage of a metered lever against the plan's limit, live.
 *
 * @tagname planship-usage-meter
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
 * @csspart loading - The loading placeholder, shaped like the meter.
 * @csspart error - The error message with its retry button.
 * @csspart retry-button - The retry button.
 * @csspart stale - The "reconnecting" hint.
 *
 * @cssprop [--planship-usage-meter-height=0.5rem] - The track's height.
 * @cssprop [--planship-usage-meter-color=var(--planship-color-accent)] - The indicator's color.
 * @cssprop [--planship-usage-meter-warning-color=var(--planship-color-warning)] - The indicator's color at 80% and beyond.
 * @cssprop [--planship-usage-meter-exceeded-color=var(--planship-color-danger)] - The indicator's color at 100% and beyond.
 *
 * @fires planship-error - A read failed (the element shows the error with a retry button).
 */
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
      if (!info) return (m) => m.noSuchLever(lever);
      if (!subscriptions.some((subscription) => subscription.isActive)) return (m) => m.noActiveSubscription;
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
    return this.renderTask(this.task, this.m.loadingUsage, skeleton, (data) =>
      typeof data === 'function' ? html`<p part="empty" class="muted">${data(this.m)}</p>` : this.renderContent(data),
    );
  }

  private renderContent({ leverName, usage, limit, buckets }: MeterContent) {
    const { m, localize } = this;
    const status = this.status; // set from the same data in willUpdate
    const used = localize.number(usage);
    const max = limit === null ? '' : localize.number(limit);
    return html`<div class="row">
        <span part="label" id="label">${leverName}</span>
        <span part="value">${limit === null ? m.usedUnlimited(used) : m.usedOf(used, max)}</span>
      </div>
      ${limit === null
        ? html`<p part="unlimited">${m.unlimited}</p>`
        : html`<div
            part=${status === 'warning' || status === 'exceeded' ? `meter ${status}` : 'meter'}
            role="meter"
            aria-labelledby="label"
            aria-valuemin="0"
            aria-valuemax=${limit}
            aria-valuenow=${usage}
            aria-valuetext=${m.usageValueText(used, max, leverName, status === 'exceeded')}
          >
            <div part="indicator" style="width: ${limit > 0 ? Math.min(100, (usage / limit) * 100) : 100}%"></div>
          </div>`}
      ${this.showBuckets && buckets.length
        ? html`<ul part="buckets" class="muted" aria-label=${m.usageByBucket}>
            ${buckets.map(
              ([bucket, amount]) =>
                html`<li part="bucket" class="row"><span>${bucket && bucket !== 'null' ? bucket : m.unassignedBucket}</span><span>${localize.number(amount)}</span></li>`,
            )}
          </ul>`
        : nothing}`;
  }
}

define('planship-usage-meter', PlanshipUsageMeter);

declare global {
  interface HTMLElementTagNameMap {
    'planship-usage-meter': PlanshipUsageMeter;
  }
}
