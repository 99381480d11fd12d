// Every Planship call of the page, at /planship/...: the gateway decides what goes through.
import { planshipGateway } from '../../../lib/planship.ts';

export const dynamic = 'force-dynamic';

const handle = async (request: Request) => (await planshipGateway()).handleRequest(request);
export { handle as GET, handle as POST, handle as PATCH, handle as DELETE };
