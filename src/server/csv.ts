// CSV as RFC 4180 writes it: comma separated, CRLF line ends, a field quoted when it holds a
// comma, a quote, CR or LF (quotes doubled inside). The customer export streams one row at a
// time, so memory stays flat however many customers there are.
import type { CustomerRecord, Store } from './store.ts';

const CUSTOMER_EXPORT_HEADER = ['ID', 'External ID', 'Created At', 'Email', 'Name', 'Active Plans', 'Metadata'];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvRow(values: string[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** `product:plan` of each active subscription, separated by "; ". */
function activePlans(store: Store, customer: CustomerRecord): string {
  return store
    .activeSubscriptionsOf(customer.id)
    .map((subscription) => `${subscription.productSlug}:${subscription.planSlug}`)
    .join('; ');
}

function customerExportRow(store: Store, customer: CustomerRecord): string {
  return csvRow([
    customer.id,
    customer.alternativeId ?? '',
    new Date(customer.createdAt).toISOString(),
    customer.email,
    customer.name,
    activePlans(store, customer),
    Object.keys(customer.metadata).length ? JSON.stringify(customer.metadata) : '',
  ]);
}

/** The export, a chunk of up to `rowsPerChunk` rows at a time (live customers, oldest first). */
export function* customerExportChunks(store: Store, rowsPerChunk = 200): Generator<string> {
  let chunk = csvRow(CUSTOMER_EXPORT_HEADER);
  let rows = 0;
  for (const customer of store.customers.live()) {
    chunk += customerExportRow(store, customer);
    if ((rows += 1) % rowsPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

