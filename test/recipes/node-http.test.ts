import { startNodeHttpHost } from '../../examples/gateway/node-http.ts';
import { recipeSuite } from './recipe-checks.ts';

recipeSuite('node:http', startNodeHttpHost, ['websocket', 'server-sent events']);
