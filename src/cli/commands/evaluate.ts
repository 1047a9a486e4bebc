import type { Command } from 'commander';
import { OPTION_VALUES, OptionsError, evaluateLevel, readArchiveTruth, trainedLevels, type LevelEvaluation, type TopicLevel } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { seedOption, waitOption, workspaceOption } from '../flags.js';

const TOPIC_LEVELS = OPTION_VALUES.topicLevels;
const maxThreads = OPTION_VALUES.maxWorkers;

interface EvaluateFlags extends WorkspaceFlags {
  level: string;
  model?: string;
  truth?: string;
  threads?: number;
  seed: number;
  json?: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatEvaluation(e: LevelEvaluation): string {
  const b = e.baselines;
  const worst = e.perClass.filter((p) => p.recall !== null).sort((x, y) => x.recall! - y.recall! || (x.label < y.label ? -1 : 1)).slice(0, 3);
  return [
    `${e.level} level, ${e.images} test images, ${e.classes.length} classes: top-1 ${pct(e.top1)}, top-5 ${pct(e.top5)}, macro-F1 ${e.macroF1.toFixed(3)}`,
    `  baselines: majority class (${b.majority.label}) top-1 ${pct(b.majority.top1)}, macro-F1 ${b.majority.macroF1.toFixed(3)}; ` +
      `prior-weighted random top-1 ${pct(b.priorRandom.top1)} (expected ${pct(b.priorRandom.expectedTop1)}), top-5 ${pct(b.priorRandom.top5)}`,
    ...(e.truth ? [`  against the truth's ${e.truth.categories} categories: top-1 ${pct(e.truth.top1)} (labels themselves: ${pct(e.truth.ceiling)}, majority category ${pct(e.truth.majorityTop1)})`] : []),
    `  lowest recall: ${worst.map((p) => `${p.label} ${pct(p.recall!)} of ${p.support}`).join(', ')}`,
    `  confusion matrix: ${e.svg} (counts in ${e.json})`,
  ].join('\n');
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('score each level\'s network on its test split: top-1, top-5, macro-F1, per-class recall, confusion matrix (JSON + SVG), beside the majority and random baselines')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--level <level>', `${TOPIC_LEVELS.join(' | ')} | all (the levels with a trained network)`, 'all')
    .option('--model <dir>', 'a network folder (pacsmine train --out) instead of the workspace\'s model of the level (one level only)')
    .option('--truth <file>', 'a synthetic archive\'s truth.jsonl: score against its categories too')
    .option('--threads <n>', `onnxruntime threads, at most ${maxThreads} (default: all cores)`, integerFlag('threads', { min: 1, max: maxThreads }))
    .addOption(seedOption())
    .option('--json', 'print one JSON line per level (with "digest")')
    .action(async (f: EvaluateFlags) => {
      if (f.level !== 'all' && !TOPIC_LEVELS.includes(f.level as TopicLevel)) throw new OptionsError(`--level must be one of ${TOPIC_LEVELS.join(', ')} or all, got '${f.level}'`);
      if (f.model !== undefined && f.level === 'all') throw new OptionsError('--model goes with one --level');
      const truth = f.truth !== undefined ? readArchiveTruth(f.truth).categories : undefined;
      const results = await inWorkspace('evaluate', f, 'update', async (ws) => {
        const levels = f.level === 'all' ? trainedLevels(ws) : [f.level as TopicLevel];
        if (levels.length === 0) throw new OptionsError('no trained level networks in the workspace: run `pacsmine train --chain` (or --level L) first');
        const out: LevelEvaluation[] = [];
        for (const level of levels) {
          out.push(await evaluateLevel(ws, { level, seed: f.seed, ...(f.model !== undefined ? { modelDir: f.model } : {}), ...(truth ? { truth } : {}), ...(f.threads !== undefined ? { threads: f.threads } : {}) }));
        }
        return out;
      });
      for (const r of results) printResult(r, f.json, formatEvaluation);
    });
}
