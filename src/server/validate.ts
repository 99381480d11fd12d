// A small request validator that collects every problem and answers one FastAPI-shaped 422:
// `{"detail": [{"loc": ["body", "usage"], "msg": "...", "type": "..."}]}` (pydantic's wording).
import { metadataIssue } from '../policy/limits.ts';
import { invalid, type ValidationIssue } from './errors.ts';

type Loc = (string | number)[];

interface FieldOptions {
  required?: boolean;
  nullable?: boolean;
}

export class BodyFields {
  readonly issues: ValidationIssue[] = [];
  private readonly source: Record<string, unknown> | undefined;

  constructor(
    body: unknown,
    private readonly base: Loc = ['body'],
    options: { optionalBody?: boolean } = {},
  ) {
    if (body === undefined) {
      if (!options.optionalBody) this.issue(base, 'Field required', 'missing');
      this.source = options.optionalBody ? {} : undefined;
    } else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      this.issue(base, 'Input should be a valid dictionary or object to extract fields from', 'model_attributes_type');
      this.source = undefined;
    } else {
      this.source = body as Record<string, unknown>;
    }
  }

  private issue(loc: Loc, msg: string, type: string): undefined {
    this.issues.push({ loc, msg, type });
    return undefined;
  }

  /** True when the key is present (even as null). */
  has(key: string): boolean {
    return this.source !== undefined && Object.prototype.hasOwnProperty.call(this.source, key);
  }

  /** The raw value, or undefined when absent; records "missing" for required fields. */
  private raw(key: string, options: FieldOptions): { present: boolean; value: unknown } {
    if (this.source === undefined) return { present: false, value: undefined };
    if (!this.has(key) || this.source[key] === undefined) {
      if (options.required) this.issue([...this.base, key], 'Field required', 'missing');
      return { present: false, value: undefined };
    }
    return { present: true, value: this.source[key] };
  }

  string(key: string, options: FieldOptions & { maxLength?: number } = {}): string | null | undefined {
    const { present, value } = this.raw(key, options);
    if (!present) return undefined;
    if (value === null && options.nullable) return null;
    if (typeof value !== 'string') return this.issue([...this.base, key], 'Input should be a valid string', 'string_type');
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      return this.issue([...this.base, key], `String should have at most ${options.maxLength} characters`, 'string_too_long');
    }
    return value;
  }

  boolean(key: string, options: FieldOptions = {}): boolean | null | undefined {
    const { present, value } = this.raw(key, options);
    if (!present) return undefined;
    if (value === null && options.nullable) return null;
    if (typeof value !== 'boolean') return this.issue([...this.base, key], 'Input should be a valid boolean', 'bool_type');
    return value;
  }

  integer(key: string, options: FieldOptions & { min?: number; max?: number } = {}): number | null | undefined {
    const { present, value } = this.raw(key, options);
    if (!present) return undefined;
    if (value === null && options.nullable) return null;
    const loc = [...this.base, key];
    if (typeof value !== 'number') return this.issue(loc, 'Input should be a valid integer', 'int_type');
    if (!Number.isFinite(value)) return this.issue(loc, 'Input should be a finite number', 'finite_number');
    if (!Number.isInteger(value)) {
      return this.issue(loc, 'Input should be a valid integer, got a number with a fractional part', 'int_from_float');
    }
    if (!Number.isSafeInteger(value)) return this.issue(loc, 'Input should be a valid integer, unable to parse value', 'int_parsing_size');
    if (options.min !== undefined && value < options.min) {
      return this.issue(loc, `Input should be greater than or equal to ${options.min}`, 'greater_than_equal');
    }
    if (options.max !== undefined && value > options.max) {
      return this.issue(loc, `Input should be less than or equal to ${options.max}`, 'less_than_equal');
    }
    return value;
  }

  object(key: string, options: FieldOptions = {}): Record<string, unknown> | null | undefined {
    const { present, value } = this.raw(key, options);
    if (!present) return undefined;
    if (value === null && options.nullable) return null;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.issue([...this.base, key], 'Input should be a valid dictionary', 'dict_type');
    }
    return value as Record<string, unknown>;
  }

  /** A free-form `metadata` object (or null), bounded in depth and size (policy/limits.ts). */
  metadata(key = 'metadata'): Record<string, unknown> | null | undefined {
    const value = this.object(key, { nullable: true });
    const problem = value ? metadataIssue(value, [...this.base, key]) : undefined;
    return problem ? this.issue(problem.loc, problem.msg, problem.type) : value;
  }

  /** An ISO-8601 date-time, returned as epoch milliseconds. */
  datetime(key: string, options: FieldOptions = {}): number | null | undefined {
    const { present, value } = this.raw(key, options);
    if (!present) return undefined;
    if (value === null && options.nullable) return null;
    const time = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
      ? Date.parse(value.length > 10 && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value)
      : Number.NaN;
    if (Number.isNaN(time)) return this.issue([...this.base, key], 'Input should be a valid datetime', 'datetime_parsing');
    return time;
  }

  /** Adds a custom problem (e.g. an unknown plan slug). */
  fail(key: string | Loc, msg: string, type: string): void {
    this.issue(Array.isArray(key) ? key : [...this.base, key], msg, type);
  }

  /** Throws the 422 when anything was wrong. */
  done(): void {
    if (this.issues.length) throw invalid(this.issues);
  }
}

const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/**
 * A boolean query parameter, read as FastAPI reads one (`fallback` when absent). Not a boolean:
 * a 422, or, given an `issues` sink, an issue added to it (and `fallback`).
 */
export function queryBoolean<T extends boolean | undefined>(query: URLSearchParams, name: string, fallback: T, sink?: ValidationIssue[]): boolean | T {
  const value = query.get(name);
  if (value === null) return fallback;
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  const issue: ValidationIssue = { loc: ['query', name], msg: 'Input should be a valid boolean, unable to interpret input', type: 'bool_parsing' };
  if (!sink) throw invalid([issue]);
  sink.push(issue);
  return fallback;
}

/**
 * `order_by` style parameters: repeated keys or comma-separated values, each optionally prefixed
 * with `-`. Unknown fields throw a 422, or, given an `issues` sink, are added to it instead (so a
 * caller can report them together with its own problems).
 */
export function queryOrder(
  query: URLSearchParams,
  name: string,
  allowed: readonly string[],
  sink?: ValidationIssue[],
): { field: string; descending: boolean }[] {
  const values = query.getAll(name).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  const issues: ValidationIssue[] = sink ?? [];
  const order = values.map((value, index) => {
    const descending = value.startsWith('-');
    const field = descending ? value.slice(1) : value;
    if (!allowed.includes(field)) {
      issues.push({ loc: ['query', name, index], msg: `Input should be one of: ${allowed.join(', ')} (prefix "-" to sort descending)`, type: 'enum' });
    }
    return { field, descending };
  });
  if (!sink && issues.length) throw invalid(issues);
  return order;
}
