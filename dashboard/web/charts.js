/**
 * The run page's charts, drawn by vega-embed from Vega-Lite specs (the same grammar as the HTML
 * report's charts in report/src/charts/specs): a lane per proxy with its faults as they come and go, and
 * the tool attempts by outcome and cause.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import embed from 'vega-embed';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Renders one Vega-Lite spec; re-rendered when the spec changes, finalized when removed. */
export function Chart({ spec, testid }) {
  const ref = useRef(null);
  useEffect(() => {
    let result;
    let gone = false;
    embed(ref.current, spec, { actions: false, renderer: 'svg' }).then((r) => {
      if (gone) r.finalize();
      else result = r;
    });
    return () => {
      gone = true;
      result?.finalize();
    };
  }, [JSON.stringify(spec)]);
  return html`<div class="chart" data-testid=${testid} ref=${ref}></div>`;
}

/** A lane per proxy (registry order): each fault a bar from its start to its end (open: to now). */
export function lanesSpec(view) {
  return {
    $schema: SCHEMA,
    width: 'container',
    height: { step: 20 },
    data: { values: view.faults },
    mark: { type: 'bar', cornerRadius: 2, tooltip: true },
    encoding: {
      y: { field: 'lane', type: 'nominal', title: null, scale: { domain: view.lanes }, sort: view.lanes },
      x: {
        field: 'startS',
        type: 'quantitative',
        title: 'seconds since the run started',
        scale: { domain: [0, Math.max(1, view.spanS)] },
      },
      x2: { field: 'endS' },
      color: { field: 'type', type: 'nominal', title: 'fault' },
      opacity: { condition: { test: 'datum.open', value: 1 }, value: 0.6 },
      tooltip: [
        { field: 'id', title: 'event' },
        { field: 'kind' },
        { field: 'type' },
        { field: 'stream' },
        { field: 'startS', title: 'start (s)', format: '.1f' },
        { field: 'endS', title: 'end (s)', format: '.1f' },
        { field: 'open', title: 'still on' },
      ],
    },
  };
}

/** Tool attempts: a bar per outcome, split by cause. */
export function attemptsSpec(view) {
  return {
    $schema: SCHEMA,
    width: 'container',
    height: { step: 22 },
    data: { values: view.attempts },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'outcome', type: 'nominal', title: 'outcome', sort: '-x' },
      x: {
        aggregate: 'sum',
        field: 'count',
        type: 'quantitative',
        title: 'tool attempts',
        axis: { tickMinStep: 1, format: 'd' },
      },
      color: { field: 'cause', type: 'nominal', title: 'cause' },
      tooltip: [
        { field: 'outcome' },
        { field: 'cause' },
        { field: 'via' },
        { aggregate: 'sum', field: 'count', title: 'attempts' },
      ],
    },
  };
}
