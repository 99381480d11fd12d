import { css } from 'lit';

export const styles = css`
  [part~=plan-name] {
    font-size: 1.25em;
  }
  [part~=status] {
    color: var(--_success);
    background: color-mix(in srgb, var(--_success) 12%, var(--_surface));
  }
  [part~=inactive] [part~=status] {
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 12%, var(--_surface));
  }
  [part~=members],
  .members-bone {
    margin-top: var(--_gap);
    padding-top: calc(var(--_space) * 1.5);
    border-top: 1px solid var(--_border);
  }
  .ending {
    color: var(--_warning);
    background: color-mix(in srgb, var(--_warning) 12%, var(--_surface));
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

