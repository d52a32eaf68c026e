/**
 * The report's charts, in the order the report shows them.
 */
import type { ChartDefinition } from '../chart.js';
import { attemptsChart } from './attempts.js';
import { errorsChart } from './errors.js';
import { responseTimeChart } from './response-time.js';
import { successRateChart } from './success-rate.js';
import { throughputChart } from './throughput.js';
import { toolLatencyChart } from './tool-latency.js';
import { toxicTimelineChart } from './toxic-timeline.js';

/** Every chart, in report order. */
export const CHARTS: readonly ChartDefinition[] = [
  throughputChart,
  successRateChart,
  toolLatencyChart,
  toxicTimelineChart,
  errorsChart,
  attemptsChart,
  responseTimeChart,
];
