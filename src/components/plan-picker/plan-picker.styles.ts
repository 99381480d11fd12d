import { css } from 'lit';

export const styles = css`
  [part~=plans] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(var(--planship-plan-min-width, 13rem), 1fr));
    gap: calc(var(--_space) * 1.5);
  }
  /* Each card's five rows are rows of the whole grid: names, prices, descriptions, lists and
     buttons line up across cards. */
  [part~=plan],
  .plan {
    grid-row: span 5;
    grid-template-rows: subgrid;
    align-content: start;
    transition: border-color 0.15s, box-shadow 0.15s;
  }
  [part~=plan]:hover {
    border-color: var(--_control);
  }
  [part~=current] {
    border-color: var(--_accent);
    box-shadow: 0 0 0 1px var(--_accent);
  }
  [part~=recommended] {
    border-color: var(--_accent);
    box-shadow: 0 0.25rem 1rem color-mix(in srgb, var(--_accent) 22%, transparent);
  }
  [part~=recommended-badge] {
    color: var(--_on-accent);
    background: var(--_accent);
  }
  [part~=interval-switch] {
    gap: 0;
    justify-self: end;
  }
  [part~=interval-button]:first-child {
    border-start-end-radius: 0;
    border-end-end-radius: 0;
  }
  [part~=interval-button]:last-child {
    border-start-start-radius: 0;
    border-end-start-radius: 0;
    margin-inline-start: -1px;
  }
  /* The checked plan's button in the accent; a primary one (filled with it) keeps its own text colour. */
  [aria-checked=true]:not(.primary) {
    border-color: var(--_accent);
    color: var(--_accent);
  }
  [part~=name] {
    font-size: 1.25em;
  }
  [part~=price] {
    color: var(--_muted);
  }
  [part~=amount] {
    font-size: 1.75em;
    font-weight: 700;
    color: var(--_text);
    letter-spacing: -0.01em;
  }
  [part~=renew-badge] {
    --_tone: var(--_warning);
  }
  [part~=entitlements] {
    display: grid;
    gap: calc(var(--_space) / 3);
    padding-inline-start: 1.1em;
  }
  [part~=action],
  [part~=contact] {
    align-self: end;
  }
  .price-bone {
    height: 2.45em;
  }
  .entitlements-bone {
    gap: calc(var(--_space) / 3);
  }
`;
