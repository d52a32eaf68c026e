/**
 * @chaos-lab/proxy-manager: the chaos loop. Owns one Toxiproxy proxy per tool service, injects toxics
 * drawn from the seeded source while the current run is `active`, records each in `toxic_events`, and
 * serves `GET /health` and `GET /status` (DESIGN.md "The chaos loop").
 */
export { startProxyManager, type ProxyManager, type StartOptions } from './manager.js';
export { runProxyManager } from './process.js';
export { systemClock, type Clock } from './clock.js';
export { attributeRanges, INJECTED_TOXICITY, STREAMS, type AttributeRange, type Stream } from './toxic-catalog.js';
export { drawTick, type ToxicPlan } from './chaos-draw.js';
export { desiredModelProxy, desiredProxies, type DesiredProxy } from './desired-proxies.js';
export type { HealthReport, StatusReport, ProxyReport } from './reports.js';
export type { ActiveToxic, ChaosSnapshot } from './chaos-loop.js';
export type { ToolHealth, DockerStatus } from './health-monitor.js';
export type { ContainerState, DockerProbe } from './docker-probe.js';
export { openToxicEvent, closeToxicEvent, type ToxicEventInput } from './toxic-events.js';
export { FaultSchedule, type Announcement } from './fault-schedule.js';
export { startScheduleServer, type ScheduleServer } from './schedule-server.js';
export { llmFaultsFromSettings, type LlmFaultSettings } from './faults/llm-settings.js';
