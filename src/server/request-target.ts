// The request target of an HTTP request, parsed without throwing. Only origin-form targets
// ("/path?query") name a resource here; "//", "http://host/", "*", "%" and the like do not, and
// the callers answer them 404 instead of letting `new URL()` throw (a 500 with a stack).

export interface RequestTarget {
  /** Percent-encoded, as sent (dot segments resolved). */
  pathname: string;
  query: URLSearchParams;
}

export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  if (!raw || !raw.startsWith('/')) return undefined;
  try {
    // Prefixing the origin keeps "//x" a path: as a relative reference it would be a host.
    const url = new URL(`http://localhost${raw}`);
    return { pathname: url.pathname, query: url.searchParams };
  } catch {
    return undefined;
  }
}
