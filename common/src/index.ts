/**
 * @chaos-lab/common: what every part of the lab shares: the service registry, settings, logger,
 * database, seeded random source and error class.
 */
export * from './registry.js';
export * from './errors.js';
export * from './random.js';
export * from './paths.js';
export * from './settings/index.js';
export * from './logger.js';
export * from './announce-client.js';
export * from './schema/index.js';
export * from './database.js';
export * from './database-when-present.js';
export * from './runs.js';
export * from './write-identity.js';
export * from './parts.js';
export * from './run-guard.js';
export * from './lifecycle.js';
export * from './listen.js';
export * from './lab-span.js';
export * from './port-claims.js';
export * from './health-check.js';
export * from './metrics.js';
export * from './service-requests.js';
export * from './lab-file/schema.js';
export * from './lab-file/load.js';
export * from './lab-file/services.js';
export * from './lab-file/http-mapping.js';
export * from './builtin-tools.js';
export * from './steering.js';
export * from './same-origin.js';
export * from './fault-plan/index.js';
export * from './record/prompt-status.js';
export * from './record/request-id.js';
