/**
 * The report's charts: vega-lite specs rendered to SVG in this process (vega's headless View, no
 * browser, no network), inlined in the page. Each chart's element ids are prefixed with its own
 * name, so that several inline SVGs never share a gradient or clip-path id.
 */
import * as vl from 'vega-lite';
import * as vega from 'vega';
import type { SweepResult } from '../topics/select.js';
import type { TrainingCurve } from './gather-results.js';
import type { WordMapReport } from './gather-words.js';

/** Renders a vega-lite spec to an SVG element whose ids start with `name`. */
export async function renderChart(spec: vl.TopLevelSpec, name: string): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return scopeSvgIds(await view.toSVG(), name);
  } finally {
    view.finalize();
  }
}

/** Prefixes every id of an SVG, and every reference to one, with `name` (letters, digits, '-' only). */
export function scopeSvgIds(svg: string, name: string): string {
  const p = name.replace(/[^A-Za-z0-9-]/g, '-');
  return svg
    .replace(/\sid="([^"]+)"/g, ` id="${p}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${p}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${p}-$1"`)
    // The document-level declaration would be invalid inside HTML.
    .replace(/^<\?xml[^>]*>\s*/, '');
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', background: 'white' } as const;

/** Figure 2: held-out perplexity (and NPMI coherence) against K, one line per model. */
export function sweepSpec(sweeps: Array<{ name: string; sweep: SweepResult }>, measure: 'perplexity' | 'npmi', title: string): vl.TopLevelSpec {
  const values = sweeps.flatMap((s) => s.sweep.points.map((p) => ({ model: s.name, k: p.k, value: p[measure], chosen: p.k === s.sweep.chosenK })));
  return {
    ...base, title, width: 320, height: 200, data: { values },
    layer: [
      { mark: { type: 'line', point: true }, encoding: {
        x: { field: 'k', type: 'quantitative', title: 'number of topics K' },
        y: { field: 'value', type: 'quantitative', title: measure === 'perplexity' ? 'held-out perplexity' : 'NPMI coherence (top 10 words)', scale: { zero: false } },
        color: { field: 'model', type: 'nominal', title: 'model', legend: sweeps.length > 1 && sweeps.length <= 20 ? {} : null },
      } },
      { transform: [{ filter: 'datum.chosen' }], mark: { type: 'point', shape: 'diamond', size: 120, filled: true, color: 'black' },
        encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } } },
    ],
  } as vl.TopLevelSpec;
}

/** Training curves of one network: loss per epoch (training, validation) and validation accuracy. */
export function trainingSpec(curve: TrainingCurve): vl.TopLevelSpec {
  const values = curve.epochs.flatMap((e) => [
    { epoch: e.epoch + 1, series: 'training loss', panel: 'loss', value: e.trainLoss },
    ...(e.valLoss !== undefined ? [{ epoch: e.epoch + 1, series: 'validation loss', panel: 'loss', value: e.valLoss }] : []),
    ...(e.valAccuracy !== undefined ? [{ epoch: e.epoch + 1, series: 'validation accuracy', panel: 'accuracy', value: e.valAccuracy }] : []),
  ]);
  const hasAccuracy = values.some((v) => v.panel === 'accuracy');
  const line = (panel: string, title: string) => ({
    width: 260, height: 160, transform: [{ filter: `datum.panel === '${panel}'` }], mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title, ...(panel === 'accuracy' ? { scale: { domain: [0, 1] } } : {}) },
      color: { field: 'series', type: 'nominal', title: null },
    },
  });
  return { ...base, title: curve.stage, data: { values }, hconcat: [line('loss', 'loss'), ...(hasAccuracy ? [line('accuracy', 'accuracy')] : [])] } as vl.TopLevelSpec;
}

/** Figure 6: the words on the first two principal components of their vectors. */
export function wordMapSpec(map: WordMapReport): vl.TopLevelSpec {
  return {
    ...base, title: `${map.source}: word vectors on their first two principal components`, width: 520, height: 360,
    data: { values: map.words.map((w) => ({ word: w.word, x: w.x, y: w.y, count: w.count })) },
    encoding: { x: { field: 'x', type: 'quantitative', title: 'PC 1' }, y: { field: 'y', type: 'quantitative', title: 'PC 2' } },
    layer: [
      { mark: { type: 'circle', opacity: 0.6 }, encoding: { size: { field: 'count', type: 'quantitative', title: 'mentions' } } },
      { mark: { type: 'text', dx: 6, align: 'left', baseline: 'middle', fontSize: 10 }, encoding: { text: { field: 'word' } } },
    ],
  } as vl.TopLevelSpec;
}
