// Registers the <planship-*> elements before React renders them, so that React 19 sees their
// properties (it sets a prop as a property when the element has one, else as an attribute).
import 'planship-portal';
// Types the elements in JSX: attributes, properties and on<event-name> handlers.
import type {} from 'planship-portal/react';
import type { Price } from 'planship-portal';
import { useState } from 'react';

const prices: Record<string, Price> = { pro: { amount: 49, currency: 'USD', interval: 'month' } };

export function App() {
  const [status, setStatus] = useState('');
  return (
    <>
      <planship-provider
        product-slug="acme-analytics"
        customer-id="grace@example.com"
        api-url={import.meta.env.VITE_PLANSHIP_API_URL}
        token-url="/api/planship/token"
      >
        <planship-plan-picker
          prices={prices}
          onplanship-plan-change={(event) => setStatus(`Changing plan to ${event.toPlan}`)}
        />
        <planship-usage-meter lever="api-calls" />
      </planship-provider>
      <p role="status">{status}</p>
    </>
  );
}
