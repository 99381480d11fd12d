// Validation of a customer's writable fields, shared by create and update (PATCH). Every problem
// is collected so one 422 lists them all: wrong types, an email another live customer has
// (case-insensitive), on update the metadata rules (after Polar's: at most 50 keys of 1-40
// characters; values a string of at most 500 characters, a number or a boolean) and a change of
// a set alternative_id.
import type { CustomerPatch, CustomerRecord, Store } from './store.ts';
import type { BodyFields } from './validate.ts';

const MAX_METADATA_KEYS = 50;
const MAX_METADATA_KEY_LENGTH = 40;
const MAX_METADATA_STRING_LENGTH = 500;
/** Loose on purpose: something@something, no spaces. Deliverability is not our business. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

const EMAIL_TAKEN = 'A customer with this email address already exists.';
const ALTERNATIVE_ID_TAKEN = 'A customer with this alternative_id already exists.';
const ALTERNATIVE_ID_WRITE_ONCE = 'alternative_id cannot be changed once set.';

/**
 * Reads name, email and metadata (absent = undefined; null name/email = ""). The metadata rules
 * apply to updates (`customer` given); create keeps Planship's free-form metadata object.
 */
export function readCustomerFields(fields: BodyFields, store: Store, customer?: CustomerRecord): CustomerPatch {
  const patch: CustomerPatch = {};
  const name = fields.string('name', { nullable: true, maxLength: 256 });
  if (name !== undefined) patch.name = name ?? '';
  const email = fields.string('email', { nullable: true, maxLength: 320 });
  if (email !== undefined) {
    patch.email = (email ?? '').trim();
    if (patch.email !== '' && !EMAIL_SHAPE.test(patch.email)) {
      fields.fail('email', 'value is not a valid email address', 'value_error');
    } else if (store.customers.emailTaken(patch.email, customer?.id)) {
      fields.fail('email', EMAIL_TAKEN, 'value_error');
    }
  }
  const metadata = fields.metadata();
  if (metadata) rejectReservedKeys(fields, metadata);
  if (metadata !== undefined) patch.metadata = customer ? checkMetadata(fields, metadata ?? {}) : { ...metadata };
  return patch;
}

/** `__` keys are the server's own records (`__alternative_id`, `__anonymized_at`): never the caller's. */
function rejectReservedKeys(fields: BodyFields, metadata: Record<string, unknown>): void {
  for (const key of Object.keys(metadata)) {
    if (key.startsWith('__')) fields.fail(['body', 'metadata', key], 'Keys starting with "__" are reserved', 'value_error');
  }
}

function checkMetadata(fields: BodyFields, metadata: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(metadata);
  if (keys.length > MAX_METADATA_KEYS) {
    fields.fail('metadata', `Dictionary should have at most ${MAX_METADATA_KEYS} items after validation, not ${keys.length}`, 'too_long');
  }
  for (const key of keys) {
    const loc = ['body', 'metadata', key];
    if (key.length < 1 || key.length > MAX_METADATA_KEY_LENGTH) {
      fields.fail(loc, `Keys should have 1 to ${MAX_METADATA_KEY_LENGTH} characters`, 'string_too_long');
    }
    const value = metadata[key];
    if (typeof value === 'string') {
      if (value.length > MAX_METADATA_STRING_LENGTH) {
        fields.fail(loc, `String should have at most ${MAX_METADATA_STRING_LENGTH} characters`, 'string_too_long');
      }
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) fields.fail(loc, 'Input should be a finite number', 'finite_number');
    } else if (typeof value !== 'boolean') {
      fields.fail(loc, 'Input should be a valid string, number or boolean', 'union_type');
    }
  }
  return { ...metadata };
}

/**
 * alternative_id on update: write-once. While unset it can be set (unique among live
 * customers); once set, only the same value (a no-op) is accepted. "" and null while unset are
 * no-ops too.
 */
export function readAlternativeIdChange(fields: BodyFields, store: Store, customer: CustomerRecord): string | undefined {
  const value = fields.string('alternative_id', { nullable: true, maxLength: 256 });
  if (value === undefined) return undefined; // not sent, or a type error (already recorded)
  if (customer.alternativeId !== null) {
    if (value !== customer.alternativeId) fields.fail('alternative_id', ALTERNATIVE_ID_WRITE_ONCE, 'value_error');
    return undefined;
  }
  if (value === null || value === '') return undefined;
  if (store.customers.alternativeIdTaken(value)) {
    fields.fail('alternative_id', ALTERNATIVE_ID_TAKEN, 'value_error');
    return undefined;
  }
  return value;
}
