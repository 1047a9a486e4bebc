import type { Command } from 'commander';
import { OPTION_VALUES, OptionsError, buildLevelDataset, type BalanceMode, type LevelDatasetInfo, type TopicLevel } from '../../index.js';

const { topicLevels: TOPIC_LEVELS, balanceModes: BALANCE_MODES } = OPTION_VALUES;
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag, numberFlag } from '../numbers.js';
import { seedOption, waitOption, workspaceOption } from '../flags.js';

interface DatasetFlags extends WorkspaceFlags {
  level: string;
  minTrain: number;
  split: string;
  seed: number;
  balance: string;
  balancePower: number;
  json?: boolean;
}

/** Checks the level, balance mode and split flags shared by `dataset` and `train --chain`. */
export function datasetLevels(level: string): TopicLevel[] {
  if (level === 'all') return [...TOPIC_LEVELS];
  if (!TOPIC_LEVELS.includes(level as TopicLevel)) throw new OptionsError(`--level must be one of ${TOPIC_LEVELS.join(', ')} or all, got '${level}'`);
  return [level as TopicLevel];
}

export function balanceMode(mode: string): BalanceMode {
  if (!BALANCE_MODES.includes(mode as BalanceMode)) throw new OptionsError(`--balance must be one of ${BALANCE_MODES.join(', ')}, got '${mode}'`);
  return mode as BalanceMode;
}

export function formatDataset(d: LevelDatasetInfo): string {
  const im = d.imbalance;
  return [
    `${d.level} level: ${d.classes.kept} of ${d.classes.total} classes kept (at least ${d.minTrain} training images), ${d.classes.dropped} dropped with ${d.images.dropped} images` +
      (d.images.unlabelled ? `; ${d.images.unlabelled} images without a label` : ''),
    `  images: train ${d.images.train}, validation ${d.images.validation}, test ${d.images.test} ` +
      `(${d.split.groups.train + d.split.groups.validation + d.split.groups.test} ${d.split.patientsKnown ? 'patient/case' : 'case'} groups, split seed ${d.split.seed})`,
    `  imbalance: largest class ${im.largest.label} holds ${(100 * im.largest.share).toFixed(1)}% of the training images, smallest ${im.smallest.label} ${im.smallest.images}; ` +
      `ratio ${im.ratio.toFixed(1)}, worth ${im.effectiveClasses.toFixed(1)} equal classes`,
    `  balance: ${d.balance.mode}${d.balance.mode === 'none' ? '' : ` (class weights ∝ n^-${d.balance.power}, from ${Math.min(...Object.values(d.balance.classWeights)).toFixed(2)} to ${Math.max(...Object.values(d.balance.classWeights)).toFixed(2)})`}`,
    `  review: applied ${d.review.applied} decision${d.review.applied === 1 ? '' : 's'} (${d.review.relabelledImages} images relabelled, ${d.review.rejectedImages} left out with rejected topics)`,
    `  manifest ${d.manifest}`,
    `  digest ${d.digest}`,
  ].join('\n');
}

export function registerDataset(program: Command): void {
  program
    .command('dataset')
    .description('the training set of a topic level: case/patient-disjoint split, classes too small dropped, class imbalance measured and weighted')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--level <level>', `${TOPIC_LEVELS.join(' | ')} | all`, 'all')
    .option('--min-train <n>', 'drop classes with fewer training images', integerFlag('min-train', { min: 1, max: 1_000_000 }), 10)
    .option('--split <list>', 'train,validation,test percentages, split by case and patient (the paper: 85,5,10)', '85,5,10')
    .addOption(seedOption())
    .option('--balance <mode>', `class imbalance: ${BALANCE_MODES.join(' | ')} (weighted loss, class-weighted sampling, nothing)`, OPTION_VALUES.defaultBalance)
    .option('--balance-power <x>', 'class weights ∝ (training images)^-x: 1 = every class weighs the same, 0 = no weighting', numberFlag('balance-power', { min: 0, max: 1 }), OPTION_VALUES.defaultBalancePower)
    .option('--json', 'print one JSON line per level (with "digest")')
    .action(async (f: DatasetFlags) => {
      const levels = datasetLevels(f.level);
      const balance = balanceMode(f.balance);
      // The paper's split exactly as written; any other text is parsed (and checked) by the stage.
      const fractions = f.split === '85,5,10' ? OPTION_VALUES.paperFractions : f.split;
      const results = await inWorkspace('dataset', f, 'update', (ws) =>
        levels.map((level) => buildLevelDataset(ws, { level, minTrain: f.minTrain, fractions, seed: f.seed, balance, balancePower: f.balancePower })));
      for (const d of results) printResult(d, f.json, formatDataset);
    });
}
