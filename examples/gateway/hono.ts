// Recipe: the gateway in a Hono 4 app on @hono/node-server. Hono speaks Fetch, so the route hands
// the raw `Request` to `handleRequest`; the live WebSocket is the Node server's 'upgrade' event
// (Server-Sent Events work too, through the same route).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRecipeGateway, stop, type RecipeOptions, type RunningHost } from './common.ts';

export async function startHonoHost(options: RecipeOptions): Promise<RunningHost> {
  const gateway = createRecipeGateway(options);
  const app = new Hono();
  app.all('/planship/*', (c) => gateway.handleRequest(c.req.raw));
  // The app's own routes go here.

  let server!: Server;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port)) as Server;
  });
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return { url: `http://127.0.0.1:${port}`, close: () => stop(server, gateway) };
}
