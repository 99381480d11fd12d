import type { ReactiveControllerHost } from 'lit';

export interface ActionFailure {
  /** Which control failed, e.g. `sub-1:auto-renew`; the element shows the error next to it. */
  key: string;
  error: unknown;
  retry: () => void;
}

/**
 * Runs one user action at a time for an element: tracks which control is pending, keeps the
 * last failure with a retry, and reports failures through `onError` (the element's event).
 */
export class ActionController {
  /** The key of the action under way, if any. */
  pending?: string;
  failure?: ActionFailure;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onError: (error: unknown, action: string) => void,
  ) {}

  isPending(key: string): boolean {
    return this.pending === key;
  }

  failureFor(key: string): ActionFailure | undefined {
    return this.failure?.key === key ? this.failure : undefined;
  }

  /**
   * Runs `work` unless another action is pending. Resolves to true on success, false when it
   * failed or did not start.
   */
  async run(key: string, action: string, work: () => Promise<unknown>): Promise<boolean> {
    if (this.pending) return false;
    this.pending = key;
    this.failure = undefined;
    this.host.requestUpdate();
    try {
      await work();
      return true;
    } catch (error) {
      this.failure = { key, error, retry: () => void this.run(key, action, work) };
      this.onError(error, action);
      return false;
    } finally {
      this.pending = undefined;
      this.host.requestUpdate();
    }
  }

  clearFailure(): void {
    this.failure = undefined;
    this.host.requestUpdate();
  }
}
