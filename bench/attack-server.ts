// A server for bench/attacks.ts in a process of its own, so the attack's own work does not slow
// it down and its memory can be measured alone. `node --expose-gc --import tsx
// bench/attack-server.ts <source root>`: starts `<root>/src/server` on port 0 with the test
// catalog plus a product whose frames are 64 KiB, sends {url, wsUrl, port}, then answers the
// messages 'memory' (after a full GC) and 'logs', and exits on 'close'.
import { testCatalog } from '../test/fixtures/test-catalog.ts';

const root = process.argv[2];
const { startServer } = await import(`${root}/src/server/index.ts`);

const catalog = testCatalog();
const items = Array.from({ length: 2048 }, (_, index) => `item-${String(index).padStart(6, '0')}-${'x'.repeat(16)}`);
catalog.products.push({
  slug: 'wide',
  name: 'Wide',
  levers: [{ slug: 'list', name: 'List', type: 'list' }, { slug: 'calls', name: 'Calls', type: 'metered', metering_id: 'calls' }],
  plans: [{ slug: 'plan', name: 'Plan', order: 1, is_public: true, entitlements: { list: items, calls: 1_000_000_000 } }],
});

const logs: string[] = [];
const server = await startServer({ catalog, tokenTtlSeconds: 400 * 86_400, log: (message: string) => logs.push(message) });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

process.send!({ url: server.url, wsUrl: server.wsUrl, port: server.port });
process.on('message', async (message) => {
  if (message === 'memory') {
    gc();
    gc();
    process.send!({ memory: process.memoryUsage() });
  } else if (message === 'logs') {
    process.send!({ logs });
  } else if (message === 'close') {
    await server.close();
    process.exit(0);
  }
});
