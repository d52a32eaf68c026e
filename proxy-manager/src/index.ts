/**
 * @chaos-lab/proxy-manager: the chaos loop and the fault schedule. Owns one Toxiproxy proxy per tool
 * service, injects toxics drawn from the seeded source while the current run is `active`, records each
 * in `toxic_events`, fires the run's planned faults, and serves `GET /health`, `GET /status`,
 * `POST /calls` and the steering API (see docs/architecture.md).
 */
export { runProxyManager, startProxyManager, type ProxyManager, type StartOptions } from './main.js';
export { systemClock, type Clock } from './util/clock.js';
export { attributeRanges, INJECTED_TOXICITY, STREAMS, type AttributeRange } from './chaos/toxic-catalog.js';
export type { Stream } from './toxiproxy/gateway.js';
export { drawTick, type ToxicPlan } from './chaos/draw.js';
export { desiredModelProxy, desiredProxies, type DesiredProxy } from './toxiproxy/desired-proxies.js';
export type { HealthReport, StatusReport, ProxyReport } from './http/status-bodies.js';
export type { ActiveToxic, ChaosSnapshot } from './chaos/snapshot.js';
export type { ToolHealth, DockerStatus } from './health/monitor.js';
export type { ContainerState, DockerProbe } from './health/docker-probe.js';
export { openToxicEvent, closeToxicEvent, type ToxicEventInput } from './chaos/toxic-events.js';
export { FaultSchedule, type Announcement } from './schedule/fault-schedule.js';
export { startScheduleServer, type ScheduleServer } from './http/schedule-server.js';
export { llmFaultsFromSettings, type LlmFaultSettings } from './schedule/faults/llm-settings.js';
