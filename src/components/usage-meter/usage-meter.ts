import { html, nothing, svg, type PropertyValues, type PropertyDeclarations } from 'lit';
import { TaskStatus } from '@lit/task';
import { baseStyles } from '../shared/base.styles.ts';
import { styles } from './usage-meter.styles.ts';
import { define } from '../shared/define.ts';
import type { Message } from '../shared/messages.ts';
import { PlanshipUpgradeRequestEvent } from '../shared/events.ts';
import { PlanshipElement } from '../shared/planship-element.ts';
import { nextReset } from './next-reset.ts';
import type { Entitlements, LeverInList, LeverUsage, Subscription } from '../../client/index.ts';

export type UsageStatus = 'normal' | 'warning' | 'exceeded' | 'unlimited';

interface MeterContent {
  leverName: string;
  usage: number;
  /** null: unlimited. */
  limit: number | null;
  buckets: [string, number][];
  /** The lever's usage period: day, week, month, year or never. */
  reset?: string | null;
}

/** The meter, or why there is none (the empty state's message). */
type MeterData = MeterContent | Message;

/** What the meter shows for `lever`, from the four reads it makes (or finds in the client's cache). */
function meterData(
  lever: string,
  levers: readonly LeverInList[],
  subscriptions: readonly Subscription[],
  usage: LeverUsage | { error: unknown },
  entitlements: Entitlements,
): MeterData {
  const info = levers.find((candidate) => candidate.slug === lever && candidate.type === 'metered');
  if (!info) return (m) => m.noSuchLever(lever);
  if (!subscriptions.some((subscription) => subscription.isActive)) return (m) => m.noActiveSubscription;
  if ('error' in usage) throw usage.error;
  // A metered entitlement is what remains (below zero once exceeded), or null: unlimited.
  const remaining = entitlements[lever];
  const limit = remaining === null ? null : Number(remaining) + usage.total;
  const buckets = Object.entries(usage.byBucket).map(([bucket, amount]) => [bucket, Number(amount)] as [string, number]);
  return { leverName: info.name, usage: usage.total, limit, buckets, reset: info.reset };
}

/** A placeholder meter: the label and value line, then the track. */
const skeleton = html`<div class="row"><div class="bone" style="width: 40%"></div><div class="bone" style="width: 25%"></div></div>
  <div class="bone track-bone"></div>`;

const WARNING_RATIO = 0.8;

function usageStatus(usage: number, limit: number | null): UsageStatus {
  if (limit === null) return 'unlimited';
  if (usage >= limit) return 'exceeded';
  return usage >= limit * WARNING_RATIO ? 'warning' : 'normal';
}

/** The nearest <planship-plan-picker>: in the meter's own tree first, then in the trees around it. */
function nearestPicker(from: Node): HTMLElement | null {
  for (let node = from; ; ) {
    const root = node.getRootNode() as Document | ShadowRoot;
    const picker = root.querySelector<HTMLElement>('planship-plan-picker');
    if (picker || !(root instanceof ShadowRoot)) return picker;
    node = root.host;
  }
}

/** Warning (a triangle) and over the limit (a circle), each with an exclamation mark: never colour alone. */
const icon = (status: UsageStatus) =>
  html`<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">
    ${status === 'warning' ? svg`<path d="M8 1.5 15 14H1z" />` : svg`<circle cx="8" cy="8" r="6.5" />`}<path d="M8 6v3.5M8 11.5v.01" />
  </svg>`;

/**
 * @summary Usage of a metered lever against the plan's limit, live.
 *
 * From 80% of the limit it says so in words and with an icon (not by colour alone), at the limit
 * or over it too, by how much; then an "Upgrade" button fires `planship-upgrade-request` and,
 * unless that is prevented, scrolls the page's <planship-plan-picker> into view and focuses it.
 * A lever whose usage resets says when ("Resets on <date>", the next start of its UTC period).
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
 * @csspart notice - "Nearly at the limit", "Limit reached" or "Over the limit by ...", with its icon.
 * @csspart upgrade-button - Shows the plans (at 80% of the limit or more).
 * @csspart reset - "Resets on <date>".
 * @csspart buckets - The per-bucket breakdown (with `show-buckets`).
 * @csspart bucket - One bucket line.
 * @csspart empty - No such lever, or no active subscription.
 * @csspart loading - The loading placeholder, shaped like the meter.
 * @csspart error - The error message with its retry button.
 * @csspart error-note - Instead of the content when the same failure is shown, with its retry, by an element earlier in the page (one error box per failure and provider).
 * @csspart retry-button - The retry button.
 * @csspart stale - The "reconnecting" hint.
 *
 * @cssprop [--planship-usage-meter-height=0.5rem] - The track's height.
 * @cssprop [--planship-usage-meter-color=var(--planship-color-accent)] - The indicator's color.
 * @cssprop [--planship-usage-meter-warning-color=var(--planship-color-warning)] - The indicator's color at 80% and beyond.
 * @cssprop [--planship-usage-meter-exceeded-color=var(--planship-color-danger)] - The indicator's color at 100% and beyond.
 *
 * @fires planship-upgrade-request - The customer pressed "Upgrade" (cancelable: prevent it to show your own upgrade path).
 * @fires planship-error - A read failed (the element shows the error, with a retry button when retrying can help).
 */
export class PlanshipUsageMeter extends PlanshipElement {
  static override styles = [baseStyles, styles];

  static override properties: PropertyDeclarations = {
    lever: { type: String },
    showBuckets: { type: Boolean, attribute: 'show-buckets' },
    status: { type: String, reflect: true },
  };

  /** The metered lever's slug, e.g. `api-calls`. */
  lever = '';

  /** Shows usage per bucket under the meter. */
  showBuckets = false;

  /** normal, warning (>= 80%), exceeded (>= 100%) or unlimited; absent while loading or empty. */
  status?: UsageStatus;

  private task = this.load(
    ['usage', 'entitlements', 'subscriptions', 'plans'],
    async (client, signal): Promise<MeterData> => {
      // All four in parallel: the client serves most from its cache, so a live update costs
      // one round trip for usage (entitlements arrive with the push itself).
      const [levers, subscriptions, usage, entitlements] = await Promise.all([
        client.listLevers({ signal }),
        client.listSubscriptions({ productSlug: client.productSlug, signal }),
        client.getLeverUsage(this.lever, { signal }).catch((error: unknown) => ({ error })),
        client.getEntitlements({ signal }),
      ]);
      return meterData(this.lever, levers, subscriptions, usage, entitlements);
    },
    () => [this.lever],
    (client) => {
      const [levers, subscriptions, usage, entitlements] = [client.peekLevers(), client.peekSubscriptions(), client.peekLeverUsage(this.lever), client.entitlements];
      return levers && subscriptions && usage && entitlements ? meterData(this.lever, levers, subscriptions, usage, entitlements) : undefined;
    },
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

  private renderContent({ leverName: catalogName, usage, limit, buckets, reset }: MeterContent) {
    const { m, localize } = this;
    const leverName = localize.lever({ slug: this.lever, name: catalogName }).name;
    const status = this.status!; // set from the same data in willUpdate
    const used = localize.number(usage);
    const max = limit === null ? '' : localize.number(limit);
    const alerting = status === 'warning' || status === 'exceeded';
    const note = !alerting ? '' : status === 'warning' ? m.usageNearLimit : usage > limit! ? m.usageOverBy(localize.number(usage - limit!)) : m.usageAtLimit;
    const resets = nextReset(reset);
    return html`<div class="row">
        <span part="label" id="label">${leverName}</span>
        <span part="value">${limit === null ? m.usedUnlimited(used) : m.usedOf(used, max)}</span>
      </div>
      ${limit === null
        ? html`<p part="unlimited">${m.unlimited}</p>`
        : html`<div
            part=${alerting ? `meter ${status}` : 'meter'}
            role="meter"
            aria-labelledby="label"
            aria-valuemin="0"
            aria-valuemax=${limit}
            aria-valuenow=${Math.min(usage, limit)}
            aria-valuetext=${m.usageValueText(used, max, leverName, note)}
          >
            <div part="indicator" style="width: ${limit > 0 ? Math.min(100, (usage / limit) * 100) : 100}%"></div>
          </div>`}
      ${alerting
        ? html`<div class="row">
            <p part="notice" class="notice">${icon(status)} ${note}</p>
            <button part="upgrade-button" type="button" @click=${() => this.upgrade(status)}>${m.upgrade}</button>
          </div>`
        : nothing}
      ${resets ? html`<p part="reset" class="muted">${m.resetsOn(localize.date(resets, 'UTC'))}</p>` : nothing}
      ${this.showBuckets && buckets.length
        ? html`<ul part="buckets" class="muted" aria-label=${m.usageByBucket}>
            ${buckets.map(
              ([bucket, amount]) =>
                html`<li part="bucket" class="row"><span>${bucket && bucket !== 'null' ? bucket : m.unassignedBucket}</span><span>${localize.number(amount)}</span></li>`,
            )}
          </ul>`
        : nothing}`;
  }

  /** Asks the host (cancelable), then brings the page's plan picker into view with focus on its plans. */
  private upgrade(status: 'warning' | 'exceeded') {
    if (!this.emit(new PlanshipUpgradeRequestEvent(this.lever, status))) return;
    const picker = nearestPicker(this);
    picker?.scrollIntoView({ block: 'start' });
    picker?.focus({ preventScroll: true });
  }
}

define('planship-usage-meter', PlanshipUsageMeter);

declare global {
  interface HTMLElementTagNameMap {
    'planship-usage-meter': PlanshipUsageMeter;
  }
}
