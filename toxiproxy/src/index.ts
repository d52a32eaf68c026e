/**
 * @chaos-lab/toxiproxy: a server that Toxiproxy 2.12.0 clients cannot tell apart from the real one
 * (same REST API, errors and toxics, on real TCP sockets), for machines without Docker.
 */
export { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from './main.js';
export { TOXIPROXY_VERSION } from './api/app.js';
export type { Clock, TimerHandle } from './clock.js';
