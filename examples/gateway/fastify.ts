// Recipe: the gateway in a Fastify 5 app. An `onRequest` hook hands requests under /planship to
// the gateway before Fastify reads the body (Fastify would otherwise parse it, or answer 415 to a
// content type it has no parser for), and hijacks the reply so Fastify does not answer too. The
// live WebSocket is the underlying server's 'upgrade' event.
import Fastify from 'fastify';
import { createRecipeGateway, type RecipeOptions, type RunningHost } from './common.ts';

export async function startFastifyHost(options: RecipeOptions): Promise<RunningHost> {
  const gateway = createRecipeGateway(options);
  const fastify = Fastify();
  fastify.addHook('onRequest', (request, reply, done) => {
    // Outside /planship the gateway calls next() right away and Fastify carries on.
    let ours = true;
    gateway.nodeHandler(request.raw, reply.raw, () => {
      ours = false;
      done();
    });
    if (ours) reply.hijack();
  });
  // The app's own routes, as usual.
  fastify.get('/', async () => 'The app');
  fastify.server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    async close() {
      await gateway.close();
      fastify.server.closeAllConnections();
      await fastify.close();
    },
  };
}
