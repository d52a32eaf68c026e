#!/usr/bin/env node
// Container health check: exits 0 when HEALTH_URL answers 2xx within 2 s, 1 otherwise.
// Each compose service sets HEALTH_URL to its own health endpoint.
const url = process.env.HEALTH_URL;
if (!url) {
  process.stderr.write('healthcheck: HEALTH_URL is not set\n');
  process.exit(1);
}
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
