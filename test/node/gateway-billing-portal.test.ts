// The host's billingPortal hook as the gateway calls it: what the page gets and what the host's
// log says when the hook throws, answers no http(s) URL, or does not answer within 10 s (on a
// fake clock: the limit is fixed).
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { openBillingPortal, type BillingPortal } from '../../src/gateway/checkout.ts';
import { GatewayError } from '../../src/gateway/errors.ts';

const user = { id: 'user-1', email: 'ada@example.com' };

async function outcome(hook: BillingPortal, run?: () => Promise<void>) {
  const lines: string[] = [];
  const answer = openBillingPortal(hook, user, (line) => lines.push(line)).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await run?.();
  return { result: await answer, lines };
}

const refusal = (result: { value?: unknown; error?: unknown }) => {
  assert.ok(result.error instanceof GatewayError, JSON.stringify(result));
  return [result.error.status, result.error.detail];
};
const COULD_NOT_OPEN = [502, 'Your payment details could not be opened. Please try again.'];

describe('billingPortal()', () => {
  afterEach(() => mock.timers.reset());

  it('a URL, as a string or { url }: the page gets it', async () => {
    for (const answer of ['https://billing.example/s/1', { url: 'http://billing.example/s/2' }]) {
      const { result, lines } = await outcome(() => answer);
      assert.deepEqual(result, { value: { status: 200, body: { url: typeof answer === 'string' ? answer : answer.url } } });
      assert.deepEqual(lines, []);
    }
  });

  it('a hook that throws: 502 for the page, the type alone in the log', async () => {
    const { result, lines } = await outcome(() => {
      throw new TypeError('postgres://admin:secret@db/billing is down');
    });
    assert.deepEqual(refusal(result), COULD_NOT_OPEN);
    assert.deepEqual(lines, ['planship gateway: billingPortal() threw TypeError']);
  });

  it('no http(s) URL: 502, logged', async () => {
    for (const answer of ['javascript:alert(1)', { url: 42 }, null]) {
      const { result, lines } = await outcome(() => answer as never);
      assert.deepEqual(refusal(result), COULD_NOT_OPEN);
      assert.deepEqual(lines, ['planship gateway: billingPortal() answered no http(s) url']);
    }
  });

  it('fake clock: a hook that has not answered after 10 s: 502, and the log says it did not answer in time', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { result, lines } = await outcome(
      () => new Promise<never>(() => {}),
      async () => {
        mock.timers.tick(9_999);
        await new Promise((resolve) => setImmediate(resolve));
        mock.timers.tick(1);
      },
    );
    assert.deepEqual(refusal(result), COULD_NOT_OPEN);
    assert.deepEqual(lines, ['planship gateway: billingPortal() did not answer in time']);
  });
});
