// 4 gateway processes behind a round-robin proxy, sharing redisWriteLock (a real Redis).
import { raceSuite } from './race-suite.ts';
import { testRedisUrl, uniquePrefix } from './store-helpers.ts';

raceSuite('4 processes, redisWriteLock', async () => ({ processes: 4, lock: 'redis', storeUrl: await testRedisUrl(), prefix: `${uniquePrefix('race')}:` }));
