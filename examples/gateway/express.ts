// Recipe: the gateway in an Express 5 app, after `express.json()` (the app's own API parses JSON
// bodies; the gateway forwards what the parser already read). The live WebSocket does not go
// through Express: it is the HTTP server's 'upgrade' event.
import express, { type ErrorRequestHandler } from 'express';
import { createServer } from 'node:http';
import { createRecipeGateway, listen, stop, type RecipeOptions, type RunningHost } from './common.ts';

export async function startExpressHost(options: RecipeOptions): Promise<RunningHost> {
  const gateway = createRecipeGateway(options);
  const app = express();
  app.use(express.json());
  app.use('/planship', gateway.nodeHandler);
  // The app's own routes go here.
  // A body express.json() refused (malformed, too large) never reaches the gateway: answer as it would.
  const bodyErrors: ErrorRequestHandler = (error, _request, response, next) => {
    if (response.headersSent || typeof error?.status !== 'number' || error.status >= 500) return next(error);
    response.status(error.status).json({ detail: error.expose ? error.message : 'Bad Request' });
  };
  app.use('/planship', bodyErrors);

  const server = createServer(app);
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return { url: await listen(server), close: () => stop(server, gateway) };
}
