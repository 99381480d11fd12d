// Serverless: a new gateway for every request (2 processes behind the proxy), sharing
// redisWriteLock (a real Redis): nothing of one request's gateway is left for the next.
import { raceSuite } from './race-suite.ts';
import { testRedisUrl, uniquePrefix } from './store-helpers.ts';

raceSuite('a gateway per request (serverless), redisWriteLock', async () => ({
  processes: 2,
  perRequest: true,
  lock: 'redis',
  storeUrl: await testRedisUrl(),
  prefix: `${uniquePrefix('race')}:`,
}));
