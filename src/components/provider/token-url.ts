import type { AccessToken } from '../../client/index.ts';

/**
 * A token getter that asks the host's backend: GET `url` (same-origin cookies included),
 * answered with the bare token as text or as `{"access_token": "...", "expires_in": 3600}`
 * (`expires_in` lets the client refresh before expiry). A forced refresh adds `?refresh=1`.
 * Errors name the status only, never the answer, so a token cannot end up in a message.
 */
export function tokenUrlGetter(url: string) {
  return async (forceRefresh?: boolean): Promise<AccessToken> => {
    const target = new URL(url, document.baseURI);
    if (forceRefresh) target.searchParams.set('refresh', '1');
    const response = await fetch(target, { cache: 'no-store', headers: { accept: 'application/json, text/plain' } });
    if (!response.ok) throw new Error(`The token endpoint answered ${response.status}`);
    const text = (await response.text()).trim();
    let token: unknown = text;
    let expiresIn: unknown;
    try {
      const parsed = JSON.parse(text);
      // A JSON string, or an object with access_token; a bare number stays the text it was.
      if (typeof parsed !== 'number') token = parsed?.access_token ?? parsed;
      expiresIn = parsed?.expires_in;
    } catch {
      // Not JSON: the bare token.
    }
    if (typeof token !== 'string' || !token) throw new Error('The token endpoint answered without a token');
    return { accessToken: token, expiresIn: typeof expiresIn === 'number' ? expiresIn : undefined };
  };
}
