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
  /* The switch's track and thumb, drawn in one pseudo-element; the off track is a control border (3:1). */
  .switch::before {
    content: '';
    width: 2em;
    height: 1em;
    margin-inline-end: 0.5em;
    vertical-align: middle;
    display: inline-block;
    border-radius: 1em;
    background: radial-gradient(circle at var(--_x, 0.5em), var(--_surface) 0.35em, #0000 0.4em) var(--_on, var(--_control));
  }
  [aria-checked=true] {
    --_x: 1.5em;
    --_on: var(--_accent);
  }
  :host(:dir(rtl)) .switch::before {
    transform: scaleX(-1);
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
  .member-id {
    overflow-wrap: anywhere;
  }
`;

