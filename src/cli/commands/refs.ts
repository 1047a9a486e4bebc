import type { Command } from 'commander';
import { extractReferences, type ImageReference } from '../../index.js';
import { printResult, readStdin } from '../output.js';

export function registerRefs(program: Command): void {
  program
    .command('refs')
    .description('find key-image references ("series 3 image 84-7", "coronal T2 image 52") in report text read from standard input')
    .option('--json', 'print a JSON array: {series, seriesText, instances, text, start, end} per reference')
    .action(async (opts: { json?: boolean }) => {
      const refs = extractReferences(await readStdin());
      printResult(refs, opts.json, describeReferences);
    });
}

function describeReferences(refs: ImageReference[]): string {
  if (refs.length === 0) return 'no key-image references';
  return refs
    .map((r) => `[${r.start}, ${r.end})  series ${r.series.length ? r.series.join('/') : '-'}` +
      `${r.seriesText !== null ? ` (${JSON.stringify(r.seriesText)})` : ''}  ` +
      `images ${r.instances.join(',')}  ${JSON.stringify(r.text)}`)
    .join('\n');
}
