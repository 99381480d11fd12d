import { css } from 'lit';

export const styles = css`
  [part~=status] {
    font-size: 0.85em;
    color: var(--_success);
  }
  [part~=inactive] [part~=status] {
    color: var(--_danger);
  }
  /* The switch's track and thumb, drawn in one pseudo-element. */
  .switch::before {
    content: '';
    width: 2em;
    height: 1em;
    margin-inline-end: 0.5em;
    vertical-align: middle;
    display: inline-block;
    border-radius: 1em;
    background: radial-gradient(circle at var(--_x, 0.5em), var(--_surface) 0.35em, #0000 0.4em) var(--_on, var(--_border));
  }
  [aria-checked=true] {
    --_x: 1.5em;
    --_on: var(--_accent);
  }
`;

/** The seats and members area (<planship-subscription-members>). */
export const membersStyles = css`
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
  .member-id {
    overflow-wrap: anywhere;
  }
`;
