// What the built-package tests share: a host site on a free port (its pages and its backend's
// token route, as a customer's own site would have) and one headless Chromium.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { backendCall } from '../fixtures/backend-call.ts';
import { CHROMIUM_ARGS, locateBrowser } from '../../scripts/find-browser.mjs';

export interface Host {
  url: string;
  close(): Promise<void>;
}

export async function startHost(handler: RequestListener): Promise<Host> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The backend's token route: a customer token minted with the product credentials. */
export async function sendCustomerToken(response: ServerResponse, apiUrl: string, customerId: string): Promise<void> {
  const minted = await backendCall(apiUrl, 'POST', '/api/v1/auth/customer-token', { customer_id: customerId });
  response.writeHead(minted.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(minted.body));
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH || (await locateBrowser()), args: CHROMIUM_ARGS });
}

export interface DistHost extends Host {
  /** Paths the browser asked for, in order. */
  requests: string[];
}

const DIST = 'dist';

/**
 * A plain host site for the built bundle (no bundler): dist/ as static files, the backend's token
 * route for one customer, and the page a test gives for any other path.
 */
export async function startDistHost(apiUrl: string, customerId: string, page: (path: string) => string): Promise<DistHost> {
  const requests: string[] = [];
  const host = await startHost(async (request, response): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    requests.push(path);
    if (path === '/token') return sendCustomerToken(response, apiUrl, customerId);
    const file = join(DIST, normalize(path));
    if (path.endsWith('.js') && file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()) {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(readFileSync(file));
      return;
    }
    response.writeHead(path.endsWith('.js') ? 404 : 200, { 'content-type': 'text/html' });
    response.end(path.endsWith('.js') ? '' : page(path));
  });
  return { ...host, requests };
}
