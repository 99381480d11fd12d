import type { ReactiveControllerHost } from 'lit';

export interface ActionFailure {
  /** Which control failed, e.g. `sub-1:auto-renew`; the element shows the error next to it. */
  key: string;
  /** What was being done, e.g. 'change-plan' (errors are worded by it). */
  action: string;
  error: unknown;
  retry: () => void;
}

/**
 * One user action at a time per element: which control is pending, the last failure with its
 * retry, and failures reported through `onError` (the element's planship-error event).
 */
export class ActionController {
  /** The key of the action under way, if any. */
  pending?: string;
  failure?: ActionFailure;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onError: (error: unknown, action: string) => void,
  ) {}

  /** Runs `work` unless another action is pending; true when it ran and succeeded. */
  async run(key: string, action: string, work: () => Promise<unknown>): Promise<boolean> {
    if (this.pending) return false;
    this.pending = key;
    this.failure = undefined;
    this.host.requestUpdate();
    try {
      await work();
      return true;
    } catch (error) {
      this.failure = { key, action, error, retry: () => void this.run(key, action, work) };
      this.onError(error, action);
      return false;
    } finally {
      this.pending = undefined;
      this.host.requestUpdate();
    }
  }
}
