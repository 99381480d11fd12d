import { startNextHost } from '../../examples/gateway/nextjs/start.ts';
import { recipeSuite } from './recipe-checks.ts';

recipeSuite('Next.js 16 (app router)', startNextHost, ['server-sent events']);
