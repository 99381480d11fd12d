import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task, TaskStatus, initialState } from '@lit/task';
import type { PlanshipCustomer, Resource } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { formatNumber, planEntitlementValues } from '../shared/format.ts';
import { styles } from './usage-meter.styles.ts';

export type UsageStatus = 'normal' | 'warning' | 'exceeded' | 'unlimited';

interface MeterContent {
  kind: 'content';
  leverName: string;
  usage: number;
  /** null: unlimited. */
  limit: number | null;
  buckets: [string, number][];
}

interface MeterEmpty {
  kind: 'empty';
  message: string;
}

type MeterData = MeterContent | MeterEmpty;

const WARNING_RATIO = 0.8;

export function usageStatus(usage: number, limit: number | null): UsageStatus {
  if (limit === null) return 'unlimited';
  if (usage >= limit) return 'exceeded';
  return usage >= limit * WARNING_RATIO ? 'warning' : 'normal';
}

/** The most generous limit among the active subscriptions' plans (null = unlimited). */
async function limitFromPlans(client: PlanshipCustomer, planSlugs: string[], lever: string, signal: AbortSignal) {
  const plans = await Promise.all(planSlugs.map((slug) => client.getPlan(slug, { signal })));
  let best: number | null | undefined;
  for (const plan of plans) {
    const value = planEntitlementValues(plan)[lever];
    if (value === null) return null;
    if (typeof value === 'number') best = Math.max(best ?? 0, value);
  }
  return best ?? 0;
}

/**
 * @summary Usage of a metered lever against the plan's limit, live.
 *
 * @csspart base - The wrapper.
 * @csspart label - The lever's name.
 * @csspart value - "1,234 of 10,000".
 * @csspart meter - The meter (role="meter"); also carries `warning` or `exceeded`.
 * @csspart warning - The meter at 80% of the limit or more.
 * @csspart exceeded - The meter at the limit or beyond.
 * @csspart track - The meter's track.
 * @csspart indicator - The filled part of the track.
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
 * @cssprop --planship-color-accent - Theme accent (and the other --planship-color-* tokens).
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

  private readonly task = new Task(this, {
    args: () => [this.client, this.lever] as const,
    task: async ([client, lever], { signal }): Promise<MeterData | typeof initialState> => {
      if (!client || !lever) return initialState;
      // All four in parallel: the client serves most from its cache, so a live update costs
      // one round trip for usage (entitlements arrive with the push itself).
      const [levers, subscriptions, usage, entitlements] = await Promise.all([
        client.listLevers({ signal }),
        client.listSubscriptions({ signal }),
        client.getLeverUsage(lever, { signal }).catch((error: unknown) => ({ error })),
        client.getEntitlements({ signal }),
      ]);
      const info = levers.find((candidate) => candidate.slug === lever);
      if (!info || (info.type && info.type !== 'metered')) {
        return { kind: 'empty', message: `There is no usage lever called "${lever}".` };
      }
      const active = subscriptions.filter((subscription) => subscription.isActive);
      if (!active.length) return { kind: 'empty', message: 'No active subscription.' };
      if ('error' in usage) throw usage.error;
      const remaining = (entitlements as Record<string, unknown>)[lever];
      const limit =
        remaining === null
          ? null
          : typeof remaining === 'number'
            ? remaining + usage.total
            : await limitFromPlans(client, active.map((subscription) => subscription.plan.slug), lever, signal);
      const buckets = Object.entries(usage.byBucket ?? {}).map(([bucket, amount]) => [bucket, Number(amount)] as [string, number]);
      return { kind: 'content', leverName: info.name, usage: usage.total, limit, buckets };
    },
    onError: (error) => this.fail(error, 'load'),
  });

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (['usage', 'entitlements', 'subscriptions', 'plans'].some((name) => resources.has(name as Resource))) {
      void this.task.run();
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const data = this.task.status === TaskStatus.ERROR ? undefined : this.task.value;
    this.status = data?.kind === 'content' ? usageStatus(data.usage, data.limit) : undefined;
  }

  override render() {
    if (!this.client) return this.renderNoClient();
    const { status, value, error } = this.task;
    let body;
    if (status === TaskStatus.ERROR) body = this.renderError(error, () => void this.task.run());
    else if (!value) body = this.renderLoading('Loading usage');
    else if (value.kind === 'empty') body = html`<p part="empty" class="muted">${value.message}</p>`;
    else body = this.renderContent(value);
    return html`<div part="base">${this.renderReconnectingHint()}${body}</div>`;
  }

  private renderContent({ leverName, usage, limit, buckets }: MeterContent) {
    const status = usageStatus(usage, limit);
    const used = formatNumber(usage);
    const meter =
      limit === null
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
            <div part="track">
              <div part="indicator" style="width: ${limit > 0 ? Math.min(100, (usage / limit) * 100) : 100}%"></div>
            </div>
          </div>`;
    return html`<div class="header">
        <span part="label" id="label">${leverName}</span>
        <span part="value">${limit === null ? `${used} used` : `${used} of ${formatNumber(limit)}`}</span>
      </div>
      ${meter}
      ${this.showBuckets && buckets.length
        ? html`<ul part="buckets" aria-label="Usage by bucket">
            ${buckets.map(
              ([bucket, amount]) =>
                html`<li part="bucket"><span>${bucket && bucket !== 'null' ? bucket : 'Unassigned'}</span><span>${formatNumber(amount)}</span></li>`,
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
