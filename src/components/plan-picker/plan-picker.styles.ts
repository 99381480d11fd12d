import { css } from 'lit';

export const styles = css`
  [part~=plans] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(var(--planship-plan-min-width, 13rem), 1fr));
    gap: var(--_space);
  }
  [part~=plan] {
    display: flex;
    flex-direction: column;
  }
  [part~=current],
  [aria-checked=true] {
    border-color: var(--_accent);
    box-shadow: 0 0 0 1px var(--_accent);
    color: var(--_accent);
  }
  [part~=current] {
    color: inherit;
  }
  [part~=price] {
    font-size: 1.2em;
    font-weight: 600;
  }
  [part~=badge] {
    align-self: start;
  }
  [part~=renew-badge] {
    color: var(--_warning);
  }
  [part~=entitlements] {
    padding-inline-start: 1.1em;
  }
  [part~=action],
  [part~=contact] {
    margin-top: auto;
  }
`;
