import { css } from 'lit';

/**
 * Nested portal elements (members area, confirm dialog) declare default tokens on their own
 * :host; this outer rule wins over those and hands down the values set on (or inherited by)
 * the element that contains them.
 */
export const nestedTokens = css`
  planship-subscription-members,
  planship-confirm-dialog {
    --planship-color-text: inherit;
    --planship-color-muted: inherit;
    --planship-color-surface: inherit;
    --planship-color-border: inherit;
    --planship-color-accent: inherit;
    --planship-color-accent-contrast: inherit;
    --planship-color-danger: inherit;
    --planship-color-warning: inherit;
    --planship-color-success: inherit;
    --planship-radius: inherit;
    --planship-space: inherit;
    --planship-font-family: inherit;
  }
`;

export const styles = css`
  [part~='base'] {
    display: grid;
    gap: var(--planship-space);
  }
  [part~='subscription'] {
    display: grid;
    gap: calc(var(--planship-space) / 2);
    padding: var(--planship-space);
    border: 1px solid var(--planship-color-border);
    border-radius: var(--planship-radius);
    background: var(--planship-color-surface);
  }
  header {
    display: flex;
    align-items: baseline;
    gap: var(--planship-space);
  }
  h3 {
    margin: 0;
    font-size: 1.1em;
  }
  p {
    margin: 0;
  }
  [part~='status'] {
    font-size: 0.85em;
    color: var(--planship-color-success);
  }
  [part~='status'].inactive {
    color: var(--planship-color-danger);
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--planship-space);
  }
  [aria-busy='true'] {
    cursor: progress;
  }
  [aria-disabled='true'] {
    opacity: 0.6;
  }
  .switch {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
  }
  .track {
    position: relative;
    width: 2.2em;
    height: 1.2em;
    border-radius: 999px;
    background: var(--planship-color-border);
    transition: background 0.15s;
  }
  .thumb {
    position: absolute;
    top: 0.15em;
    left: 0.15em;
    width: 0.9em;
    height: 0.9em;
    border-radius: 50%;
    background: var(--planship-color-surface);
    transition: transform 0.15s;
  }
  .switch[aria-checked='true'] .track {
    background: var(--planship-color-accent);
  }
  .switch[aria-checked='true'] .thumb {
    transform: translateX(1em);
  }
  @media (prefers-reduced-motion: reduce) {
    .track,
    .thumb {
      transition: none;
    }
  }
`;

export const membersStyles = css`
  :host {
    display: grid;
    gap: calc(var(--planship-space) / 2);
  }
  p,
  h4 {
    margin: 0;
  }
  h4 {
    font-size: 1em;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--planship-space) / 2);
  }
  .summary {
    flex-basis: 100%;
  }
  input[type='number'] {
    width: 6em;
  }
  input {
    font: inherit;
    padding: calc(var(--planship-space) / 3);
    border: 1px solid var(--planship-color-border);
    border-radius: calc(var(--planship-radius) / 2);
    background: var(--planship-color-surface);
    color: var(--planship-color-text);
  }
  input[aria-invalid='true'] {
    border-color: var(--planship-color-danger);
  }
  .field-error {
    color: var(--planship-color-danger);
    font-size: 0.9em;
  }
  [part~='member-list'] {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: calc(var(--planship-space) / 3);
  }
  [part~='member'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--planship-space) / 2);
  }
  .member-id {
    overflow-wrap: anywhere;
  }
  .badge {
    padding: 0 0.5em;
    border-radius: 999px;
    border: 1px solid currentColor;
    font-size: 0.8em;
    color: var(--planship-color-accent);
  }
  [aria-busy='true'] {
    cursor: progress;
  }
  [aria-disabled='true'] {
    opacity: 0.6;
  }
  .checkbox {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
  }
`;
