import { startHonoHost } from '../../examples/gateway/hono.ts';
import { recipeSuite } from './recipe-checks.ts';

recipeSuite('Hono 4', startHonoHost, ['websocket', 'server-sent events']);
