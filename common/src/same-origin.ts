/**
 * Cross-site request refusal for the lab's state-changing HTTP routes (the proxy-manager's steering,
 * the dashboard's): a page on another site open in the user's browser must not be able to steer or
 * abort a run on 127.0.0.1, as real Toxiproxy refuses browser user agents on its API
 * (toxiproxy/api.go, `browserGuard`). Browsers say where a request comes from in `Sec-Fetch-Site`
 * (Fetch Metadata, https://www.w3.org/TR/fetch-metadata/) and `Origin` (RFC 6454); programs such as
 * curl or the dashboard's server send neither, and are let through.
 */

/** The request headers the check reads (lower-case names, as Node gives them). */
export interface OriginHeaders {
  readonly host?: string;
  readonly origin?: string;
  readonly 'sec-fetch-site'?: string;
}

/**
 * Why a state-changing request must be refused, or undefined when it may go on.
 * Refused: `Sec-Fetch-Site` other than `same-origin` or `none` (a typed URL), or an `Origin` whose
 * host:port is not the request's `Host` (`Origin: null` included).
 */
export function crossSiteRefusal(headers: OriginHeaders): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `cross-site request refused (Sec-Fetch-Site: ${site})`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `cross-site request refused (Origin: ${origin})`;
  }
  return originHost === headers.host
    ? undefined
    : `cross-site request refused (Origin ${origin} is not http://${headers.host ?? '?'})`;
}
