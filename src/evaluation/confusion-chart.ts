/**
 * The confusion matrix as an image (the paper's Figure 5): a vega-lite heat map rendered to SVG
 * in this process (vega's headless View, no browser, no network). Each row is normalised by its
 * test images, so a row reads as "where the images of this class went" and a dark diagonal is
 * per-class recall; the counts are in each cell's tooltip and in the JSON beside it.
 */
import * as vl from 'vega-lite';
import * as vega from 'vega';

export interface ConfusionChartOptions {
  title?: string;
  /** Side of one cell in pixels (default: 14 up to 40 classes, shrinking to 3 for hundreds). */
  cell?: number;
}

/** Cells with at least one image, as vega-lite rows. */
function cells(confusion: readonly number[][], classes: readonly string[]) {
  const values: Array<{ truth: string; predicted: string; count: number; share: number }> = [];
  confusion.forEach((row, t) => {
    const support = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      if (count > 0) values.push({ truth: classes[t]!, predicted: classes[p]!, count, share: count / support });
    });
  });
  return values;
}

export function confusionSpec(confusion: readonly number[][], classes: readonly string[], options: ConfusionChartOptions = {}): vl.TopLevelSpec {
  const K = classes.length;
  const cell = options.cell ?? (K <= 40 ? 14 : Math.max(3, Math.floor(560 / K)));
  const labels = K <= 80;
  const axis = (title: string) => ({ title, labels, ticks: labels, labelFontSize: 9, labelLimit: 80 });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Confusion matrix (rows: true class, share of its test images)',
    width: cell * K,
    height: cell * K,
    background: 'white',
    data: { values: cells(confusion, classes) },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: [...classes], scale: { domain: [...classes] }, axis: axis('predicted') },
      y: { field: 'truth', type: 'nominal', sort: [...classes], scale: { domain: [...classes] }, axis: axis('true class') },
      color: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], scheme: 'blues' }, legend: { title: 'share of row' } },
      tooltip: [{ field: 'truth' }, { field: 'predicted' }, { field: 'count' }, { field: 'share', format: '.2f' }],
    },
  } as vl.TopLevelSpec;
}

/** Renders the heat map to an SVG document. */
export async function confusionSvg(confusion: readonly number[][], classes: readonly string[], options: ConfusionChartOptions = {}): Promise<string> {
  const compiled = vl.compile(confusionSpec(confusion, classes, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    // vega numbers gradients with a process-wide counter; one fixed id keeps the file the same on every run.
    return (await view.toSVG()).replace(/gradient_\d+/g, 'gradient_confusion');
  } finally {
    view.finalize();
  }
}
