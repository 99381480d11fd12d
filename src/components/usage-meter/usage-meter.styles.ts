import { css } from 'lit';

export const styles = css`
  .row {
    justify-content: space-between;
  }
  [part~=label] {
    font-weight: 600;
  }
  [part~=meter] {
    height: var(--planship-usage-meter-height, 0.5rem);
    border-radius: 1em;
    background: var(--_border);
    overflow: hidden;
  }
  [part~=indicator] {
    height: 100%;
    background: var(--planship-usage-meter-color, var(--_accent));
    transition: width 0.3s;
  }
  :host([status=warning]) [part~=indicator] {
    background: var(--planship-usage-meter-warning-color, var(--_warning));
  }
  :host([status=exceeded]) [part~=indicator] {
    background: var(--planship-usage-meter-exceeded-color, var(--_danger));
  }
  :host([status=exceeded]) [part~=value],
  :host([status=exceeded]) .notice {
    color: var(--_danger);
  }
  .notice {
    display: flex;
    align-items: center;
    gap: 0.375em;
    color: var(--_warning);
    font-weight: 600;
  }
  .icon {
    width: 1.125em;
    height: 1.125em;
    flex: none;
  }
  [part~=buckets] {
    padding: 0;
    list-style: none;
    font-size: 0.875em;
  }
`;
