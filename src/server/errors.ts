// FastAPI-shaped errors: `{"detail": "..."}` for most, `{"detail": [{loc, msg, type}]}` for 422.
import { PolicyRefusal, type ValidationIssue } from '../policy/index.ts';

export type { ValidationIssue };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | ValidationIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.name = 'HttpError';
  }
}

export const badRequest = (detail: string) => new HttpError(400, detail);
export const unauthorized = (detail = 'Not authenticated') =>
  new HttpError(401, detail, { 'www-authenticate': 'Bearer' });
export const forbidden = (detail = 'Not allowed') => new HttpError(403, detail);
export const notFound = (detail: string) => new HttpError(404, detail);
/** 404 helper for handlers: `found(store.findCustomer(id), 'Customer not found')`. */
export function found<T>(value: T | undefined | null, detail: string): T {
  if (value === undefined || value === null) throw notFound(detail);
  return value;
}
export const conflict = (detail: string) => new HttpError(409, detail);
export const invalid = (issues: ValidationIssue[]) => new HttpError(422, issues);
export const invalidField = (loc: (string | number)[], msg: string, type: string) => invalid([{ loc, msg, type }]);

/** A customer-policy refusal as the HTTP error it answers. */
export function refusalAsHttpError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof PolicyRefusal) throw new HttpError(error.status, error.detail);
    throw error;
  }
}
