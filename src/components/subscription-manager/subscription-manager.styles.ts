import { css } from 'lit';

export const styles = css`
  [part~=plan-name] {
    font-size: 1.25em;
  }
  [part~=status] {
    --_tone: var(--_success);
  }
  [part~=inactive] [part~=status] {
    --_tone: var(--_danger);
  }
  [part~=members],
  .members-bone {
    margin-top: var(--_gap);
    padding-top: calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_border);
  }
  .ending {
    --_tone: var(--_warning);
  }
  /* The cancel dialog's optional reason and comment. */
  [part~=cancel-reasons] {
    gap: var(--_gap);
    margin: 0;
    padding: 0;
    border: 0;
  }
  [part~=cancel-reasons] legend {
    margin-block-end: var(--_gap);
    padding: 0;
    font-weight: 600;
  }
  [part~=cancel-reason] {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
  [part~=cancel-reason] input {
    margin: 0;
    padding: 0;
    accent-color: var(--_accent);
  }
  [part~=cancel-comment] {
    font: inherit;
    color: inherit;
    width: 100%;
    padding: calc(var(--_space) * 2 / 3);
    border: 1px solid var(--_control);
    border-radius: var(--_radius);
    background: var(--_surface);
    resize: vertical;
  }
  [part~=cancel-comment]:disabled {
    opacity: 0.6;
  }
  #cancel-comment-hint {
    font-size: 0.875em;
  }
`;

/** The seats and members area (<planship-subscription-members>). */
export const membersStyles = css`
  [part~=members-heading] {
    font-size: 1em;
  }
  .summary {
    flex-basis: 100%;
  }
  [type=number] {
    width: 6em;
  }
  ul {
    padding: 0;
    list-style: none;
  }
  [part~=member-name],
  [part~=member-email] {
    overflow-wrap: anywhere;
  }
`;

