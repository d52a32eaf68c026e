/**
 * The fault-plan contract: the schema of a run's planned faults, the `fault_plans` table that carries
 * a plan from its writers (experiments, explore) to its reader (the proxy-manager's fault schedule),
 * and the event attributes an `llm` fault hands the model gateway.
 */
export * from './schema.js';
export * from './store.js';
export * from './llm-attributes.js';
