/**
 * @chaos-lab/dashboard: the live dashboard: a run as it goes over
 * server-sent events, drill-down into a prompt's tool calls, the history and a side-by-side
 * comparison, and steering through the proxy-manager. `chaos-lab up` starts it beside the run;
 * `chaos-lab dashboard` serves a database's history alone.
 */
export {
  startDashboard,
  dashboardPort,
  DASHBOARD_DEFAULT_PORT,
  LIVE_POLL_MS,
  WEB_DIR,
  type Dashboard,
  type DashboardOptions,
} from './main.js';
export { createDashboardApp, type DashboardAppDeps } from './app.js';
export { listRuns, listExperiments, type RunListItem, type ExperimentListItem } from './history.js';
