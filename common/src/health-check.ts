/**
 * One HTTP health check, as the launcher (readiness) and the proxy-manager (tool health monitor) make
 * it: `GET url` on a fresh connection, healthy on a 2xx answer.
 *
 * A fresh connection each time (no keep-alive pool): a check must find out whether the service takes
 * new connections now, and a pooled socket the service has just closed would fail with a socket error
 * instead of the `ECONNREFUSED` that says the process is gone. `node:http` rather than `fetch`: a
 * refused check costs about half the CPU, and the launcher polls ten parts at once while they load.
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/** The outcome of one check. */
export type HealthCheck =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      /** True when there was no answer within the deadline (rather than a refusal or an error status). */
      readonly late: boolean;
      /** Why, short: `ECONNREFUSED`, `HTTP 503`, `no answer within 2000 ms`. */
      readonly why: string;
      /** The answer's first 300 characters, when there was an answer. */
      readonly body?: string;
    };

/**
 * Checks `url` once.
 * @param url an `http:` or `https:` URL
 * @param timeoutMs how long the answer may take, ms
 * @returns the outcome; never rejects
 */
export function checkHealth(url: string, timeoutMs: number): Promise<HealthCheck> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    let late = false;
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        res.resume();
        resolve({ ok: true, status });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 300)));
      res.on('end', () => resolve({ ok: false, late: false, why: `HTTP ${status}`, body }));
      res.on('error', () => resolve({ ok: false, late: false, why: `HTTP ${status}`, body }));
    });
    req.on('timeout', () => {
      late = true;
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve(
        late
          ? { ok: false, late, why: `no answer within ${timeoutMs} ms` }
          : { ok: false, late, why: err.code ?? err.message },
      );
    });
  });
}
