// GDPR anonymization of a deleted customer, after Polar's: email and name are replaced by
// one-way hashes (salted with the creation time, so equal inputs of two customers differ), the
// moment is recorded as `metadata.__anonymized_at`, and a second run changes nothing.
import { createHash } from 'node:crypto';
import type { CustomerRecord } from './customer-directory.ts';

/** A reserved domain (RFC 2606): an anonymized address can never reach anyone. */
const ANONYMIZED_EMAIL_DOMAIN = 'anonymized.invalid';

const hash = (salt: string, value: string) => createHash('sha256').update(salt + value).digest('hex');

/**
 * Only the recorded moment counts: an email that merely ends in the reserved domain (a customer
 * may be created with one) must not stop its anonymization.
 */
function isAnonymized(customer: CustomerRecord): boolean {
  return typeof customer.metadata.__anonymized_at === 'string';
}

export function anonymizeCustomer(customer: CustomerRecord, now: number): void {
  if (isAnonymized(customer)) return;
  const salt = new Date(customer.createdAt).toISOString();
  if (customer.email !== '') customer.email = `${hash(salt, customer.email)}@${ANONYMIZED_EMAIL_DOMAIN}`;
  if (customer.name !== '') customer.name = hash(salt, customer.name);
  customer.metadata = { ...customer.metadata, __anonymized_at: new Date(now).toISOString() };
}
