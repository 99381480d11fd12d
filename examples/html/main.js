// Registers every <planship-*> element.
import 'planship-portal';

const picker = document.querySelector('planship-plan-picker');
// Objects go in as properties (an attribute would only hold "[object Object]").
picker.prices = { pro: { amount: 49, currency: 'USD', interval: 'month' } };
picker.addEventListener('planship-plan-change', (event) => {
  document.querySelector('#status').textContent = `Changing plan to ${event.toPlan}`;
});
