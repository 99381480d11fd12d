// Query parameters of the page address that the elements act on once (back from checkout or
// sign-up, an invitation link) and then take out, so a reload does not act on them again.

/** The page address's query parameter `name`; undefined when it has none (or on a server render). */
export const addressParam = (name: string): string | undefined => new URLSearchParams(globalThis.location?.search ?? '').get(name) ?? undefined;

/** Takes `names` out of the page address, leaving its history entry and state as they are. */
export function dropAddressParams(...names: string[]): void {
  const url = new URL(globalThis.location.href);
  for (const name of names) url.searchParams.delete(name);
  history.replaceState(history.state, '', url);
}
