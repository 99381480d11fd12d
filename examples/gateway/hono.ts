// Recipe: the gateway in a Hono 4 app on @hono/node-server. Hono speaks Fetch, so the route hands
// the raw `Request` to `handleRequest`; the live WebSocket is the Node server's 'upgrade' event
// (Server-Sent Events work too, through the same route).
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import { createRecipeGateway, listen, stop, type RecipeOptions, type RunningHost } from './common.ts';

export async function startHonoHost(options: RecipeOptions): Promise<RunningHost> {
  const gateway = createRecipeGateway(options);
  const app = new Hono();
  app.all('/planship/*', (c) => gateway.handleRequest(c.req.raw));
  // The app's own routes go here.

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return { url: await listen(server), close: () => stop(server, gateway) };
}
