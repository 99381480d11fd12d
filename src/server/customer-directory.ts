// The customers and their lookups: by uuid, by alternative_id (live customers only) and by
// lower-cased email (live customers with an email), kept in step on every change.
import { UUID_PATTERN } from './ids.ts';

export interface CustomerRecord {
  id: string;
  alternativeId: string | null;
  name: string;
  email: string;
  metadata: Record<string, unknown>;
  createdAt: number;
  deletedAt: number | null;
}

/** Fields a PATCH may change; validation (uniqueness, write-once) happened in the route. */
export interface CustomerPatch {
  name?: string;
  email?: string;
  metadata?: Record<string, unknown>;
  alternativeId?: string;
}

export class CustomerDirectory {
  /** Every customer ever created, deleted ones included, in creation order. */
  private readonly byId = new Map<string, CustomerRecord>();
  private readonly byAlternativeId = new Map<string, string>();
  private readonly byEmail = new Map<string, string>();

  /** Any customer (deleted ones too) by its exact uuid. */
  get(id: string): CustomerRecord | undefined {
    return this.byId.get(id);
  }

  /** A live customer by uuid (any case) or alternative_id. */
  find(reference: string): CustomerRecord | undefined {
    if (UUID_PATTERN.test(reference)) {
      const customer = this.byId.get(reference.toLowerCase());
      if (customer && customer.deletedAt === null) return customer;
    }
    return this.findByAlternativeId(reference);
  }

  /** A live customer by its exact alternative_id (the host's own user id). */
  findByAlternativeId(alternativeId: string): CustomerRecord | undefined {
    const id = this.byAlternativeId.get(alternativeId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** A deleted customer by uuid (deleted customers are reachable by id only, to anonymize them). */
  findDeleted(id: string): CustomerRecord | undefined {
    const customer = UUID_PATTERN.test(id) ? this.byId.get(id.toLowerCase()) : undefined;
    return customer?.deletedAt === null ? undefined : customer;
  }

  isLive(id: string): boolean {
    const customer = this.byId.get(id);
    return customer !== undefined && customer.deletedAt === null;
  }

  /** Every live customer, oldest first. */
  *live(): IterableIterator<CustomerRecord> {
    for (const customer of this.byId.values()) if (customer.deletedAt === null) yield customer;
  }

  /** Whether another live customer has this email (case-insensitive; empty emails never clash). */
  emailTaken(email: string, exceptCustomerId?: string): boolean {
    const owner = email === '' ? undefined : this.byEmail.get(email.toLowerCase());
    return owner !== undefined && owner !== exceptCustomerId;
  }

  alternativeIdTaken(alternativeId: string): boolean {
    return this.byAlternativeId.has(alternativeId);
  }

  /** Every customer, deleted ones too, oldest first (what a data file keeps). */
  all(): IterableIterator<CustomerRecord> {
    return this.byId.values();
  }

  /** A new customer, or a deleted one from a data file (kept by id only, like markDeleted leaves it). */
  insert(customer: CustomerRecord): CustomerRecord {
    this.byId.set(customer.id, customer);
    if (customer.deletedAt !== null) return customer;
    if (customer.alternativeId !== null) this.byAlternativeId.set(customer.alternativeId, customer.id);
    this.indexEmail(customer);
    return customer;
  }

  /** Partial update: only the keys present change; `metadata` replaces the whole object. */
  update(customer: CustomerRecord, patch: CustomerPatch): CustomerRecord {
    if (patch.name !== undefined) customer.name = patch.name;
    if (patch.email !== undefined) {
      this.unindexEmail(customer);
      customer.email = patch.email;
      this.indexEmail(customer);
    }
    if (patch.metadata !== undefined) customer.metadata = patch.metadata;
    // Write-once is the route's rule (readAlternativeIdChange): a patch carries one only while empty.
    if (patch.alternativeId !== undefined) {
      customer.alternativeId = patch.alternativeId;
      this.byAlternativeId.set(patch.alternativeId, customer.id);
    }
    return customer;
  }

  /**
   * Marks the customer deleted: its alternative_id is released (kept in metadata as
   * `__alternative_id`) and its email freed, so both can be used again at once.
   */
  markDeleted(customer: CustomerRecord, now: number): void {
    if (customer.alternativeId !== null) {
      this.byAlternativeId.delete(customer.alternativeId);
      customer.metadata = { ...customer.metadata, __alternative_id: customer.alternativeId };
      customer.alternativeId = null;
    }
    this.unindexEmail(customer);
    customer.deletedAt = now;
  }

  // Emails are unique among live customers (the routes and the catalog check it), so each key has one owner.
  private indexEmail(customer: CustomerRecord): void {
    if (customer.email !== '') this.byEmail.set(customer.email.toLowerCase(), customer.id);
  }

  private unindexEmail(customer: CustomerRecord): void {
    this.byEmail.delete(customer.email.toLowerCase());
  }
}
