import { css } from 'lit';

export const styles = css`
  [part~='base'] {
    display: grid;
    gap: calc(var(--planship-space) / 2);
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: calc(var(--planship-space) / 2);
  }
  [part~='label'] {
    font-weight: 600;
  }
  [part~='track'] {
    height: var(--planship-usage-meter-height, 0.5rem);
    border-radius: 999px;
    background: var(--planship-color-border);
    overflow: hidden;
  }
  [part~='indicator'] {
    height: 100%;
    border-radius: inherit;
    background: var(--planship-usage-meter-color, var(--planship-color-accent));
    transition: width 0.3s ease;
  }
  :host([status='warning']) [part~='indicator'] {
    background: var(--planship-usage-meter-warning-color, var(--planship-color-warning));
  }
  :host([status='exceeded']) [part~='indicator'] {
    background: var(--planship-usage-meter-exceeded-color, var(--planship-color-danger));
  }
  :host([status='exceeded']) [part~='value'] {
    color: var(--planship-color-danger);
  }
  [part~='buckets'] {
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 0.875em;
    color: var(--planship-color-muted);
  }
  [part~='bucket'] {
    display: flex;
    justify-content: space-between;
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='indicator'] {
      transition: none;
    }
  }
`;
