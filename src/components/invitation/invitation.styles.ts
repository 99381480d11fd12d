import { css } from 'lit';

export const invitationStyles = css`
  :host {
    display: block;
  }
  [part~='offer'] {
    border-inline-start: 4px solid var(--_accent);
  }
  [part~='actions'] {
    flex-wrap: wrap;
  }
`;
