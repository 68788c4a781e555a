import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SeriesPoint } from './budget-series.js';

const PROCESS_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d'];

/** One panel: a cell's series and the 429s the simulator answered in it (seconds since the panel's start). */
export interface FigurePanel {
  title: string;
  points: readonly SeriesPoint[];
  http429At: readonly number[];
}

/**
 * The vega-lite spec: accepted requests per trailing second over time, one thin line per process and a thick
 * combined one, the limit as a dashed rule, each 429 as a red tick on the floor; one panel per pacing mode, side by side.
 */
export function figureSpec(panels: readonly FigurePanel[], limit: number, title: string): TopLevelSpec {
  const values = panels.flatMap((panel) => [
    ...panel.points.map((p) => ({ panel: panel.title, kind: p.series === 'combined' ? 'combined' : 'process', ...p })),
    ...panel.http429At.map((t) => ({ panel: panel.title, kind: '429', t, series: '429 answered', perSecond: 0 })),
  ]);
  const x = { field: 't', type: 'quantitative', title: 'seconds since the first request' } as const;
  const processes = new Set(panels.flatMap((panel) => panel.points.map((p) => p.series)).filter((name) => name !== 'combined'));
  const seriesNames = ['combined', ...[...processes].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', subtitle: `dashed: the limit (${limit}/s) · red ticks on the floor: 429 answers · from the simulator's log of accepted requests` },
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: panels.map((panel) => panel.title) } },
    spec: {
      width: 420,
      height: 240,
      layer: [
        {
          transform: [{ filter: "datum.kind !== '429'" }],
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            x,
            y: { field: 'perSecond', type: 'quantitative', title: 'accepted requests in the trailing second' },
            // The combined line in near-black, the processes in tableau colours; one legend for both panels.
            color: { field: 'series', type: 'nominal', title: null, scale: { domain: seriesNames, range: ['#222222', ...PROCESS_COLOURS] } },
            strokeWidth: { condition: { test: "datum.kind === 'combined'", value: 2.5 }, value: 1 },
          },
        },
        { mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { y: { datum: limit } } },
        {
          transform: [{ filter: "datum.kind === '429'" }],
          mark: { type: 'tick', orient: 'vertical', color: '#d62728', thickness: 1.5, size: 12 },
          encoding: { x, y: { field: 'perSecond', type: 'quantitative' } },
        },
      ],
    },
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  };
}

/** Renders the spec to SVG headless (vega's 'none' renderer: no canvas, text measured by estimate). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
