import { css } from 'lit';

/**
 * The styles every element starts from (`static styles = [baseStyles, ownStyles]`).
 *
 * Theming: the public `--planship-*` tokens are only ever read, never declared here, so a value
 * set by the page on any ancestor (`:root`, a wrapper, the provider) inherits into every shadow
 * root. Each is read once into a private `--_*` copy with its default as the fallback; the color
 * defaults use light-dark(), which follows `color-scheme`: the OS preference, or the theme
 * attribute.
 */
export const baseStyles = css`
  :host {
    --_text: var(--planship-color-text, light-dark(#1b1f24, #e6edf3));
    --_muted: var(--planship-color-muted, light-dark(#57606a, #9da7b3));
    --_surface: var(--planship-color-surface, light-dark(#fff, #161b22));
    --_border: var(--planship-color-border, light-dark(#d0d7de, #3d444d));
    --_accent: var(--planship-color-accent, light-dark(#0b57d0, #7cacf8));
    --_on-accent: var(--planship-color-accent-contrast, light-dark(#fff, #0d1117));
    --_danger: var(--planship-color-danger, light-dark(#b3261e, #ff8a80));
    --_warning: var(--planship-color-warning, light-dark(#8a5300, #f2c14e));
    --_success: var(--planship-color-success, light-dark(#146c2e, #6fdd8b));
    --_radius: var(--planship-radius, 8px);
    --_space: var(--planship-space, 0.75rem);
    --_gap: calc(var(--_space) / 2);
    color-scheme: light dark;
    display: block;
    color: var(--_text);
    font: 1em/1.4 var(--planship-font-family, system-ui, sans-serif);
  }
  /* An explicit theme paints its own surface, so dark text never lands on a light page. */
  :host([theme]) {
    background: var(--_surface);
  }
  :host([theme=dark]) {
    color-scheme: dark;
  }
  :host([theme=light]) {
    color-scheme: light;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  h2,
  h3,
  h4,
  p,
  ul {
    margin: 0;
  }
  button,
  input {
    font: inherit;
    color: inherit;
    padding: var(--_gap) var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  button {
    cursor: pointer;
  }
  .primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .danger,
  .alert,
  [aria-invalid=true] {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  [aria-busy=true] {
    cursor: progress;
  }
  [aria-disabled=true] {
    opacity: 0.6;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  /* The part="base" wrapper, a plan or subscription card, and a line of controls. */
  .stack,
  .card {
    display: grid;
    gap: var(--_space);
  }
  .card {
    gap: var(--_gap);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .row,
  .alert,
  .loading {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
  }
  .alert {
    padding: var(--_space);
    border: 1px solid;
    border-radius: var(--_radius);
  }
  .badge {
    padding: 0 0.5em;
    border: 1px solid;
    border-radius: 1em;
    font-size: 0.8em;
    color: var(--_accent);
  }
  .stale {
    font-size: 0.875em;
    color: var(--_warning);
  }
  .muted,
  .loading {
    color: var(--_muted);
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    border: 2px solid var(--_border);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: planship-spin 0.8s linear infinite;
  }
  dialog {
    max-width: min(32rem, 90vw);
    padding: calc(var(--_space) * 1.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: inherit;
  }
  dialog::backdrop {
    background: #0006;
  }
  dialog .row {
    justify-content: end;
  }
  @keyframes planship-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
`;
