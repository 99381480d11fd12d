import { css } from 'lit';

export const styles = css`
  [part~='plans'] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(var(--planship-plan-min-width, 13rem), 1fr));
    gap: var(--planship-space);
  }
  [part~='plan'] {
    display: flex;
    flex-direction: column;
    gap: calc(var(--planship-space) / 2);
    padding: var(--planship-space);
    border: 1px solid var(--planship-color-border);
    border-radius: var(--planship-radius);
    background: var(--planship-color-surface);
  }
  [part~='current'] {
    border-color: var(--planship-color-accent);
    box-shadow: 0 0 0 1px var(--planship-color-accent);
  }
  h3 {
    margin: 0;
    font-size: 1.1em;
  }
  p {
    margin: 0;
  }
  [part~='price'] {
    font-size: 1.2em;
    font-weight: 600;
  }
  [part~='badge'] {
    align-self: flex-start;
    padding: 0 calc(var(--planship-space) / 2);
    border-radius: 999px;
    font-size: 0.8em;
    border: 1px solid currentColor;
  }
  [part~='current-badge'] {
    color: var(--planship-color-accent);
  }
  [part~='renew-badge'] {
    color: var(--planship-color-warning);
  }
  [part~='entitlements'] {
    margin: 0;
    padding-inline-start: 1.1em;
    flex: 1;
  }
  [part~='action'] {
    margin-top: auto;
  }
  [part~='action'][aria-checked='true'] {
    border-color: var(--planship-color-accent);
    color: var(--planship-color-accent);
  }
  [part~='action'][aria-disabled='true'] {
    cursor: progress;
  }
  [part~='action'] .spinner {
    display: inline-block;
    vertical-align: middle;
    margin-inline-start: 0.5em;
  }
  [part~='contact'] {
    margin-top: auto;
    color: var(--planship-color-muted);
  }
  [part~='action-error'] {
    margin-top: var(--planship-space);
  }
`;
