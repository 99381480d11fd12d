// Why a customer cancelled: the optional reason and comment of the manager's cancel dialog, sent
// as the PATCH's `metadata` (`cancellation_reason`, `cancellation_comment`). Only a PATCH that
// cancels may carry them, and only those two keys, bounded: the metadata is no free store of a
// customer's. Pure, so the server and the gateway read it alike.
import type { ValidationIssue } from './rules.ts';

export const MAX_REASON_LENGTH = 100;
export const MAX_COMMENT_LENGTH = 500;

export interface CancellationFeedback {
  /** The reason chosen, e.g. `too_expensive` (the element's built-in values, or the host's own). */
  reason?: string;
  /** What the customer wrote, trimmed. */
  comment?: string;
}

const KEYS = { cancellation_reason: MAX_REASON_LENGTH, cancellation_comment: MAX_COMMENT_LENGTH } as const;

/** Whether the PATCH's fields end the subscription (now, or at the end of the period). */
export const cancels = (fields: Record<string, unknown>): boolean => fields.auto_renew === false || fields.is_active === false;

/**
 * The feedback in an update's fields (undefined when it has no `metadata`), or the issues that
 * make it a 422: metadata on an update that does not cancel, another key, a value that is not a
 * string or is too long.
 */
export function readCancellationFeedback(fields: Record<string, unknown>): { feedback?: CancellationFeedback; issues: ValidationIssue[] } {
  if (!('metadata' in fields) || fields.metadata === null) return { issues: [] };
  const metadata = fields.metadata;
  const loc = ['body', 'metadata'];
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return { issues: [{ loc, msg: 'Input should be a valid dictionary', type: 'dict_type' }] };
  if (!cancels(fields)) {
    return { issues: [{ loc, msg: 'Only a cancellation may carry metadata (its cancellation_reason and cancellation_comment)', type: 'value_error' }] };
  }
  const issues: ValidationIssue[] = [];
  const feedback: CancellationFeedback = {};
  for (const [key, value] of Object.entries(metadata)) {
    const limit = KEYS[key as keyof typeof KEYS];
    if (limit === undefined) issues.push({ loc: [...loc, key], msg: 'Only cancellation_reason and cancellation_comment may be sent', type: 'value_error' });
    else if (typeof value !== 'string') issues.push({ loc: [...loc, key], msg: 'Input should be a valid string', type: 'string_type' });
    else if (value.length > limit) issues.push({ loc: [...loc, key], msg: `String should have at most ${limit} characters`, type: 'string_too_long' });
    else if (key === 'cancellation_reason') feedback.reason = value;
    else feedback.comment = value.trim();
  }
  return issues.length ? { issues } : { feedback, issues };
}
