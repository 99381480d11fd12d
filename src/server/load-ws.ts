// `ws` is an optional peer dependency: browsers never need it, so a page's install leaves it out,
// and the server loads it only when it starts (on Node).
import type * as Ws from 'ws';

/** `importWs` is for tests: it stands for the import, to simulate a missing package. */
export async function loadWs(importWs: () => Promise<typeof Ws> = () => import('ws')): Promise<typeof Ws> {
  try {
    return await importWs();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' && /'ws'/.test(String((error as Error).message));
    if (!missing) throw error;
    throw new Error("The local API server needs the optional peer dependency 'ws' for its live entitlements socket: npm install ws", {
      cause: error,
    });
  }
}
