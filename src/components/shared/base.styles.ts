import { css } from 'lit';

/**
 * The colour scheme, for the provider and every element. Without a `theme` the host page decides
 * (its `color-scheme`; light when it says nothing). `theme="light|dark|auto"` (auto: the system's)
 * on an element or a provider sets the scheme for it and everything inside, and paints the
 * surface behind them, so light text never lands on a light page.
 */
export const themeStyles = css`
  :host([theme=light]) {
    color-scheme: light;
  }
  :host([theme=dark]) {
    color-scheme: dark;
  }
  :host([theme=auto]) {
    color-scheme: light dark;
  }
  :host([theme]) {
    --_planship-paint: var(--planship-color-surface, light-dark(#fff, #161b22));
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/**
 * The styles every element starts from (`static styles = [baseStyles, ownStyles]`).
 *
 * Theming: the public `--planship-*` tokens are only ever read, never declared here, so a value
 * set by the page on any ancestor (`:root`, a wrapper, the provider) inherits into every shadow
 * root. Each is read once into a private `--_*` copy with its default as the fallback; the color
 * defaults use light-dark(), which follows the inherited `color-scheme`. Text colors reach 4.5:1
 * and control borders 3:1 on the surface in both schemes.
 */
export const baseStyles = [
  themeStyles,
  css`
    :host {
      --_text: var(--planship-color-text, light-dark(#1b1f24, #e6edf3));
      --_muted: var(--planship-color-muted, light-dark(#57606a, #9da7b3));
      --_surface: var(--planship-color-surface, light-dark(#fff, #161b22));
      --_border: var(--planship-color-border, light-dark(#d0d7de, #3d444d));
      --_control: var(--planship-color-control-border, light-dark(#818b98, #6e7681));
      --_accent: var(--planship-color-accent, light-dark(#0b57d0, #7cacf8));
      --_on-accent: var(--planship-color-accent-contrast, light-dark(#fff, #0d1117));
      --_danger: var(--planship-color-danger, light-dark(#b3261e, #ff8a80));
      --_on-danger: var(--planship-color-danger-contrast, light-dark(#fff, #0d1117));
      --_warning: var(--planship-color-warning, light-dark(#8a5300, #f2c14e));
      --_success: var(--planship-color-success, light-dark(#146c2e, #6fdd8b));
      --_radius: var(--planship-radius, 8px);
      --_space: var(--planship-space, 0.75rem);
      --_gap: calc(var(--_space) / 2);
      --_hover: color-mix(in srgb, var(--_accent) 8%, var(--_surface));
      --_pressed: color-mix(in srgb, var(--_accent) 18%, var(--_surface));
      display: block;
      color: var(--_text);
      background: var(--_planship-paint, none);
      font: 1em/1.4 var(--planship-font-family, system-ui, sans-serif);
    }
    :host([hidden]) {
      display: none;
    }
    * {
      box-sizing: border-box;
    }
    h2,
    p,
    ul {
      margin: 0;
    }
    /* Names and descriptions from the API keep their own direction (Latin text in Arabic). */
    [part~=name],
    [part~=description],
    [part~=plan-name],
    [part~=label],
    [part~=member-name] {
      unicode-bidi: plaintext;
    }
    [role=heading] {
      font-size: 1.125em;
      font-weight: 600;
      line-height: 1.3;
    }
    button,
    input {
      font: inherit;
      color: inherit;
      padding: calc(var(--_space) * 2 / 3) calc(var(--_space) * 4 / 3);
      border: 1px solid var(--_control);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    button {
      cursor: pointer;
      font-weight: 500;
      transition: background-color 0.15s, border-color 0.15s;
    }
    button:hover:not([aria-disabled=true]) {
      border-color: var(--_accent);
      background: var(--_hover);
    }
    button:active:not([aria-disabled=true]) {
      background: var(--_pressed);
    }
    input[type=checkbox] {
      accent-color: var(--_accent);
    }
    .primary {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_on-accent);
    }
    .primary:hover:not([aria-disabled=true]) {
      background: color-mix(in srgb, var(--_accent), var(--_text) 18%);
    }
    .primary:active:not([aria-disabled=true]) {
      background: color-mix(in srgb, var(--_accent), var(--_text) 32%);
    }
    .danger,
    .alert,
    [aria-invalid=true] {
      border-color: var(--_danger);
      color: var(--_danger);
    }
    .danger:hover:not([aria-disabled=true]) {
      border-color: var(--_danger);
      background: color-mix(in srgb, var(--_danger) 8%, var(--_surface));
    }
    /* A confirmation's "yes" to an action that takes something away. */
    .destructive {
      background: var(--_danger);
      border-color: var(--_danger);
      color: var(--_on-danger);
    }
    .destructive:hover:not([aria-disabled=true]) {
      border-color: var(--_danger);
      background: color-mix(in srgb, var(--_danger), var(--_text) 18%);
    }
    .destructive:active:not([aria-disabled=true]) {
      background: color-mix(in srgb, var(--_danger), var(--_text) 32%);
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
      padding: calc(var(--_space) * 2);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    .row,
    .alert {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_gap) var(--_space);
    }
    .alert {
      padding: var(--_space) calc(var(--_space) * 4 / 3);
      border: 1px solid;
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    /* A badge's colour is its --_tone (the accent unless an element says otherwise). */
    .badge {
      --_tone: var(--_accent);
      padding: 0.125em 0.625em;
      border-radius: 1em;
      font-size: 0.8em;
      font-weight: 600;
      color: var(--_tone);
      background: color-mix(in srgb, var(--_tone) 12%, var(--_surface));
    }
    .stale {
      font-size: 0.875em;
      color: var(--_warning);
    }
    .muted {
      color: var(--_muted);
    }
    .spinner {
      display: inline-block;
      margin-inline-start: 0.3em;
      width: 1em;
      height: 1em;
      vertical-align: middle;
      border: 2px solid var(--_border);
      border-top-color: var(--_accent);
      border-radius: 50%;
      animation: planship-spin 0.8s linear infinite;
    }
    /* Loading placeholders shaped like the content they stand for (one line of text each). */
    .bone {
      height: 1.4em;
      border-radius: calc(var(--_radius) / 2);
      background: color-mix(in srgb, var(--_text) 9%, transparent);
      animation: planship-pulse 1.6s ease-in-out infinite;
    }
    .bone.control {
      height: calc(1.4em + var(--_space) * 4 / 3 + 2px);
    }
    .track-bone {
      height: var(--planship-usage-meter-height, 0.5rem);
    }
    dialog {
      max-width: min(32rem, 90vw);
      padding: calc(var(--_space) * 2);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      color: inherit;
    }
    dialog::backdrop {
      background: #0006;
    }
    dialog h2 {
      font-size: 1.25em;
    }
    dialog .row {
      justify-content: end;
    }
    @keyframes planship-spin {
      to {
        transform: rotate(1turn);
      }
    }
    @keyframes planship-pulse {
      50% {
        opacity: 0.55;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      * {
        animation: none !important;
        transition: none !important;
      }
    }
  `,
];
