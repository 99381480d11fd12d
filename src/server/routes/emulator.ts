// Test hooks under /__emulator/ (product credentials of a client with every scope): reset to the seed, move the clock, and
// drop or count the entitlements sockets.
import { requireEveryScope } from '../auth.ts';
import type { Route } from '../http.ts';
import { BodyFields } from '../validate.ts';
import type { Services } from './common.ts';

const MAX_REFUSE_SECONDS = 3600;
/** 100 years: keeps every date representable. */
const MAX_ADVANCE_SECONDS = 100 * 366 * 86_400;

export function emulatorRoutes(services: Services): Route[] {
  const { store, clock, hub, idempotency } = services;
  return [
    {
      method: 'POST',
      path: '/__emulator/reset',
      auth: true,
      handler({ principal }) {
        requireEveryScope(principal);
        store.reset();
        idempotency.clear();
        hub.refreshAll();
        return { body: { status: 'reset' } };
      },
    },
    {
      method: 'POST',
      path: '/__emulator/clock',
      auth: true,
      handler({ principal, body }) {
        requireEveryScope(principal);
        const fields = new BodyFields(body);
        const seconds = fields.has('advance_seconds') ? (body as Record<string, unknown>).advance_seconds : undefined;
        if (fields.issues.length) fields.done();
        if (seconds === undefined) fields.fail('advance_seconds', 'Field required', 'missing');
        else if (typeof seconds !== 'number') fields.fail('advance_seconds', 'Input should be a valid number', 'float_type');
        else if (!Number.isFinite(seconds)) fields.fail('advance_seconds', 'Input should be a finite number', 'finite_number');
        else if (seconds < 0) fields.fail('advance_seconds', 'Input should be greater than or equal to 0', 'greater_than_equal');
        else if (seconds > MAX_ADVANCE_SECONDS) {
          fields.fail('advance_seconds', `Input should be less than or equal to ${MAX_ADVANCE_SECONDS}`, 'less_than_equal');
        }
        fields.done();
        const now = clock.advance(seconds as number);
        services.tick();
        return { body: { now: new Date(now).toISOString() } };
      },
    },
    {
      method: 'POST',
      path: '/__emulator/sockets/close',
      auth: true,
      dataUnchanged: true,
      handler({ principal, body }) {
        requireEveryScope(principal);
        const fields = new BodyFields(body, ['body'], { optionalBody: true });
        const refuse = fields.integer('refuse_seconds', { min: 0, max: MAX_REFUSE_SECONDS, nullable: true });
        fields.done();
        const closed = hub.closeAll(refuse ?? 0);
        return { body: { closed } };
      },
    },
    {
      method: 'GET',
      path: '/__emulator/sockets',
      auth: true,
      handler({ principal, query }) {
        requireEveryScope(principal);
        const customer = query.get('customer');
        const customerId = customer === null ? undefined : (store.findCustomer(customer)?.id ?? '');
        return { body: { open: hub.openCount(customerId) } };
      },
    },
  ];
}
