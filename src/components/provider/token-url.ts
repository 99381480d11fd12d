import type { TokenGetter } from '../../client/index.ts';

/**
 * A token getter that asks the host's backend: GET `url` (cookies included), answered with the
 * bare token as text or as `{"access_token": "..."}`. A forced refresh adds `?refresh=1`.
 * Errors name the status only, never the answer, so a token cannot end up in a message.
 */
export function tokenUrlGetter(url: string): TokenGetter {
  return async (forceRefresh?: boolean) => {
    const target = new URL(url, globalThis.document?.baseURI);
    if (forceRefresh) target.searchParams.set('refresh', '1');
    const response = await fetch(target, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json, text/plain' },
    });
    if (!response.ok) throw new Error(`The token endpoint answered ${response.status}`);
    const text = (await response.text()).trim();
    let token: unknown = text;
    if (text.startsWith('{') || text.startsWith('"')) {
      try {
        const parsed: unknown = JSON.parse(text);
        token = typeof parsed === 'string' ? parsed : (parsed as { access_token?: unknown }).access_token;
      } catch {
        token = undefined;
      }
    }
    if (typeof token !== 'string' || !token) throw new Error('The token endpoint answered without a token');
    return token;
  };
}
