// Recipe: the gateway on a plain node:http server. `nodeHandler` answers under /planship and calls
// `next` for everything else (the app's own routes); the 'upgrade' event carries the live
// entitlements WebSocket.
import { createServer } from 'node:http';
import { createRecipeGateway, listen, stop, type RecipeOptions, type RunningHost } from './common.ts';

export async function startNodeHttpHost(options: RecipeOptions): Promise<RunningHost> {
  const gateway = createRecipeGateway(options);
  const server = createServer((request, response) =>
    gateway.nodeHandler(request, response, () => {
      // The app's own routes go here.
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }),
  );
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return { url: await listen(server), close: () => stop(server, gateway) };
}
