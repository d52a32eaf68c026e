/**
 * Route matching as Toxiproxy's router (gorilla/mux) does it: paths are matched decoded, a `{param}`
 * matches one non-empty segment, a known path with another method is 405 and an unknown path is 404.
 * A path that is not clean (`//`, `/./`, `/../`) is answered with a 301 to its clean form.
 */
import { posix } from 'node:path';

/** The outcome of matching a request. */
export type RouteMatch<H> =
  | { kind: 'handler'; handler: H; params: Record<string, string> }
  | { kind: 'redirect'; location: string }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

interface Route<H> {
  segments: string[];
  methods: Map<string, H>;
}

/** Go's `cleanPath` in gorilla/mux: `path.Clean`, keeping a trailing slash. */
export function cleanPath(path: string): string {
  if (path === '') return '/';
  const rooted = path.startsWith('/') ? path : `/${path}`;
  let clean = posix.normalize(rooted);
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
  if (rooted.endsWith('/') && clean !== '/') clean += '/';
  return clean;
}

/** A decoded path as Go's `url.URL.String()` writes it back: escaped, `?` and `#` included. */
function escapePath(path: string): string {
  return encodeURI(path).replace(/\?/g, '%3F').replace(/#/g, '%23');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A method-and-path router. */
export class Router<H> {
  private readonly routes: Route<H>[] = [];

  /**
   * Adds a route.
   * @param methods e.g. `['POST', 'PATCH']`, or `'*'` for any method
   * @param pattern e.g. `/proxies/{proxy}/toxics`
   */
  add(methods: string[] | '*', pattern: string, handler: H): this {
    const segments = pattern.split('/').slice(1);
    let route = this.routes.find((r) => r.segments.join('/') === segments.join('/'));
    if (!route) {
      route = { segments, methods: new Map() };
      this.routes.push(route);
    }
    for (const method of methods === '*' ? ['*'] : methods) route.methods.set(method, handler);
    return this;
  }

  /**
   * Matches a request.
   * @param method the HTTP method
   * @param rawUrl the request target as received (`/proxies/a%20b?x=1`)
   */
  match(method: string, rawUrl: string): RouteMatch<H> {
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const path = rawPath.split('/').map(decodeSegment).join('/');
    const clean = cleanPath(path);
    if (clean !== path)
      return { kind: 'redirect', location: escapePath(clean) + (queryAt < 0 ? '' : rawUrl.slice(queryAt)) };
    const parts = path.split('/').slice(1);
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      const handler = route.methods.get(method) ?? route.methods.get('*');
      if (handler) return { kind: 'handler', handler, params };
      methodMismatch = true;
    }
    return methodMismatch ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const part = parts[i]!;
    if (p.startsWith('{') && p.endsWith('}')) {
      if (part === '') return undefined;
      params[p.slice(1, -1)] = part;
    } else if (p !== part) {
      return undefined;
    }
  }
  return params;
}
