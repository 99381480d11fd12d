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

