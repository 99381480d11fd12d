// 4 gateway processes behind a round-robin proxy, sharing postgresWriteLock (a real PostgreSQL).
import { raceSuite } from './race-suite.ts';
import { testPostgresUrl } from './store-helpers.ts';

raceSuite('4 processes, postgresWriteLock', async () => ({ processes: 4, lock: 'postgres', storeUrl: await testPostgresUrl() }));
