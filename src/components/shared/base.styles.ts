import { css } from 'lit';

/**
 * Theme tokens and the small shared vocabulary (buttons, alerts, progress, visually hidden)
 * every element starts from: `static styles = [baseStyles, ownStyles]`.
 */
export const baseStyles = css`
  /* light-dark() picks by color-scheme: the OS preference, or the theme attribute below. */
  :host {
    color-scheme: light dark;
    --planship-color-text: light-dark(#1b1f24, #e6edf3);
    --planship-color-muted: light-dark(#57606a, #9da7b3);
    --planship-color-surface: light-dark(#ffffff, #161b22);
    --planship-color-border: light-dark(#d0d7de, #3d444d);
    --planship-color-accent: light-dark(#0b57d0, #7cacf8);
    --planship-color-accent-contrast: light-dark(#ffffff, #0d1117);
    --planship-color-danger: light-dark(#b3261e, #ff8a80);
    --planship-color-warning: light-dark(#8a5300, #f2c14e);
    --planship-color-success: light-dark(#146c2e, #6fdd8b);
    --planship-radius: 8px;
    --planship-space: 0.75rem;
    --planship-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;

    display: block;
    box-sizing: border-box;
    color: var(--planship-color-text);
    font-family: var(--planship-font-family);
    line-height: 1.4;
  }

  /* An explicit theme paints its own surface, so dark text never lands on a light page. */
  :host([theme]) {
    background-color: var(--planship-color-surface);
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='light']) {
    color-scheme: light;
  }

  :host([hidden]),
  [hidden] {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  button {
    font: inherit;
    cursor: pointer;
    padding: calc(var(--planship-space) / 2) var(--planship-space);
    border-radius: var(--planship-radius);
    border: 1px solid var(--planship-color-border);
    background: var(--planship-color-surface);
    color: var(--planship-color-text);
  }
  button.primary {
    background: var(--planship-color-accent);
    border-color: var(--planship-color-accent);
    color: var(--planship-color-accent-contrast);
  }
  button.danger {
    border-color: var(--planship-color-danger);
    color: var(--planship-color-danger);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--planship-color-accent);
    outline-offset: 2px;
  }

  .alert {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--planship-space);
    padding: var(--planship-space);
    border: 1px solid var(--planship-color-danger);
    border-radius: var(--planship-radius);
    color: var(--planship-color-danger);
  }

  .stale {
    margin: 0 0 calc(var(--planship-space) / 2);
    font-size: 0.875em;
    color: var(--planship-color-warning);
  }

  .loading {
    display: flex;
    align-items: center;
    gap: calc(var(--planship-space) / 2);
    color: var(--planship-color-muted);
  }
  .spinner {
    width: 1em;
    height: 1em;
    border: 2px solid var(--planship-color-border);
    border-top-color: var(--planship-color-accent);
    border-radius: 50%;
    animation: planship-spin 0.8s linear infinite;
  }
  @keyframes planship-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }

  .muted {
    color: var(--planship-color-muted);
  }

  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
