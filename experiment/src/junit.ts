/**
 * JUnit XML of an experiment's checks (`--junit FILE`), for CI: one test suite per run (baseline and
 * each variant), one test case per check; a deviated check is a failure, a skipped one is skipped, and
 * a run that could not be measured is an error. The format is the one Jenkins, GitLab and GitHub
 * reporters read (testsuites > testsuite > testcase with failure / skipped / error).
 */
import { checkLine, type CheckResult } from './checks.js';

/** One run's results, as the journal keeps them. */
export interface JunitRun {
  readonly variant: string;
  readonly runId: string | null;
  readonly durationMs: number;
  readonly checks: readonly CheckResult[];
  /** Why the run could not be measured, when it could not. */
  readonly error?: string;
}

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The XML text. */
export function junitXml(title: string, runs: readonly JunitRun[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = runs.reduce((n, r) => n + r.checks.filter((c) => c.outcome === 'deviated').length, 0);
  const tests = runs.reduce((n, r) => n + Math.max(1, r.checks.length), 0);
  lines.push(`<testsuites name="${escape(title)}" tests="${tests}" failures="${failures}">`);
  for (const run of runs) {
    const failed = run.checks.filter((c) => c.outcome === 'deviated').length;
    const skipped = run.checks.filter((c) => c.outcome === 'skipped').length;
    lines.push(
      `  <testsuite name="${escape(run.variant)}" tests="${Math.max(1, run.checks.length)}" failures="${failed}" skipped="${skipped}" errors="${run.error ? 1 : 0}" time="${(run.durationMs / 1000).toFixed(3)}"${run.runId ? ` id="${escape(run.runId)}"` : ''}>`,
    );
    if (run.error)
      lines.push(
        `    <testcase name="run" classname="${escape(run.variant)}"><error message="${escape(run.error)}"/></testcase>`,
      );
    for (const c of run.checks) {
      const head = `    <testcase name="${escape(c.name)}" classname="${escape(run.variant)}">`;
      if (c.outcome === 'held') lines.push(`${head}</testcase>`);
      else if (c.outcome === 'skipped')
        lines.push(`${head}<skipped message="${escape(c.reason ?? 'skipped')}"/></testcase>`);
      else lines.push(`${head}<failure message="${escape(checkLine(c).trim())}"/></testcase>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
