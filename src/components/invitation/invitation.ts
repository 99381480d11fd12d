import { html, nothing, type PropertyDeclarations } from 'lit';
import { TaskStatus } from '@lit/task';
import type { InvitationOffer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { define } from '../shared/define.ts';
import { PlanshipInvitationAnswerEvent } from '../shared/events.ts';
import { PlanshipElement, headingLevel } from '../shared/planship-element.ts';
import { invitationStyles } from './invitation.styles.ts';
import { addressParam, dropAddressParams } from '../shared/page-address.ts';

/** The query parameter of the invitation links the gateway mails. */
export const INVITATION_PARAM = 'planship-invitation';

const fromPageUrl = () => addressParam(INVITATION_PARAM) ?? '';

/**
 * @summary An invitation to join a team, for its invitee to accept or decline; renders nothing
 * when there is none.
 *
 * The gateway mails invitations as links to your portal page with `?planship-invitation=<id>`:
 * put this element on that page (the <planship-customer-portal> has one). It shows the offer
 * only to the user signed in with the address it was sent to; accepting adds them to the team
 * (every element shows it at once), declining ends it. Either way the parameter leaves the
 * address bar.
 *
 * @tagname planship-invitation
 * @csspart base - The wrapper.
 * @csspart offer - The invitation: heading, message, buttons.
 * @csspart heading - "You are invited" (level `heading-level`).
 * @csspart message - Who invites, to which plan, as what.
 * @csspart actions - The buttons.
 * @csspart accept-button - Accepts and joins.
 * @csspart decline-button - Declines.
 * @csspart answer - What happened after an answer.
 * @csspart loading - The loading placeholder.
 * @csspart error - An invitation that is not for this account or has ended (or a read that failed, with retry).
 * @csspart error-note - Instead of the offer when the same failure is shown, with its retry, by an element earlier in the page.
 * @csspart action-error - A failed answer (with a retry button when retrying can help).
 * @csspart retry-button - A retry button.
 *
 * @fires planship-invitation-answer - After the invitee accepted or declined.
 * @fires planship-error - A read or answer failed.
 */
export class PlanshipInvitation extends PlanshipElement {
  static override styles = [baseStyles, invitationStyles];

  static override properties: PropertyDeclarations = {
    invitation: { type: String },
    headingLevel: { type: Number, attribute: 'heading-level' },
    answered: { state: true },
  };

  /** The invitation's id; default the page address's `planship-invitation` parameter. */
  invitation = fromPageUrl();

  /** The level of the heading (default 2). */
  headingLevel?: number;

  private answered?: string;

  private task = this.load(
    [],
    (client, signal) => (this.invitation && !this.answered ? client.getInvitation(this.invitation, { signal }) : Promise.resolve(null)),
    () => [this.invitation, this.answered],
  );

  override render() {
    if (!this.invitation) return nothing;
    if (this.answered) return html`<p part="answer" role="status">${this.answered}</p>`;
    // Its own words for a refusal: an invitation for someone else is not "no longer there".
    if (this.task.status === TaskStatus.ERROR) return this.renderLoadError(this.task.error, () => void this.task.run(), 'read-invitation');
    return this.renderTask(this.task, this.m.loadingInvitation, html`<div class="bone" style="width: 60%"></div>`, (offer) => this.renderOffer(offer), false);
  }

  private renderOffer(offer: InvitationOffer) {
    const { m, localize } = this;
    return html`<div part="offer" class="card stack">
      <div part="heading" role="heading" aria-level=${headingLevel(this.headingLevel, 2)}>${m.invitationHeading}</div>
      <p part="message">
        ${m.invitationMessage(offer.inviterName, offer.planName)} ${offer.isAdministrator ? m.invitationAsAdministrator : nothing}
        <span class="muted">${m.invitationOpenUntil(localize.date(offer.expiresAt))}</span>
      </p>
      <div part="actions" class="row">
        ${this.button('accept-button', m.acceptInvitation, 'accept', () => this.answer(offer, true), 'primary')}
        ${this.button('decline-button', m.declineInvitation, 'decline', () => this.answer(offer, false))}
      </div>
      ${this.renderFailure()}
    </div>`;
  }

  private answer(offer: InvitationOffer, accept: boolean) {
    if (this.actions.pending) return;
    const { m } = this;
    const client = this.client!;
    // Everything after the answer is inside the action, so a retry after a failure does it too.
    return this.actions.run(accept ? 'accept' : 'decline', accept ? 'accept-invitation' : 'decline-invitation', async () => {
      await (accept ? client.acceptInvitation(offer.id) : client.declineInvitation(offer.id));
      this.answered = accept ? m.invitationAccepted(offer.planName) : m.invitationDeclined;
      this.announce(this.answered);
      this.forgetFromAddress();
      this.emit(new PlanshipInvitationAnswerEvent(offer.id, accept));
    });
  }

  /** A reload must not offer an answered invitation again. */
  private forgetFromAddress() {
    if (addressParam(INVITATION_PARAM) === this.invitation) dropAddressParams(INVITATION_PARAM);
  }
}

define('planship-invitation', PlanshipInvitation);

declare global {
  interface HTMLElementTagNameMap {
    'planship-invitation': PlanshipInvitation;
  }
}
