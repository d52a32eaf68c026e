/**
 * @chaos-lab/tools: the seven mock tool services of the lab (search, weather, movie, calendar,
 * calculator, message, translator), one Express 5 app each on one shared server factory. Each
 * service's routes and answers are described in its module (src/services/<name>/index.ts); the tools
 * that call them, in common/src/builtin-tools.ts.
 */
export type { ToolDeps } from './service.js';
export { createApp } from './app.js';
export { LISTENING_SINCE, startToolService, startAllTools, type RunningToolService } from './main.js';
export { BODY_LIMIT_BYTES, HEALTH_PATH } from './server/app.js';
