// The floor: a page whose script is one tiny Lit element rendering a static paragraph, nothing else.
import { LitElement, html } from 'lit';
import { installProbe } from './probe.ts';

class BenchMinimal extends LitElement {
  override render() {
    return html`<p>Hello from Lit.</p>`;
  }
}
customElements.define('bench-minimal', BenchMinimal);

installProbe();
