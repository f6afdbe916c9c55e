// Hash routes: #/peers, #/peers/<id> — one view name and an optional parameter.

export interface Route {
  view: string;
  param: string | undefined;
}

export function parseRoute(hash: string, fallback: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (!path) return { view: fallback, param: undefined };
  const slash = path.indexOf('/');
  if (slash < 0) return { view: decodeURIComponent(path), param: undefined };
  return { view: decodeURIComponent(path.slice(0, slash)), param: decodeURIComponent(path.slice(slash + 1)) || undefined };
}

export function routeHash(view: string, param?: string): string {
  return `#/${view}${param !== undefined ? `/${encodeURIComponent(param)}` : ''}`;
}

export function navigate(view: string, param?: string): void {
  const hash = routeHash(view, param);
  if (location.hash !== hash) location.hash = hash;
}
