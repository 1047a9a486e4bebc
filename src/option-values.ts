/**
 * The values the stages' options accept and their defaults, in one place for a front-end that
 * lists them (the CLI's help texts and early checks). The stages check their own options; this
 * only says what they accept. Constants of a model class stay on it (LdaModel.MAX_TOPICS).
 */
import { TOPIC_LEVELS } from './topics/stage.js';
import { ARCHITECTURES } from './training/architectures.js';
import { BALANCE_MODES, DEFAULT_BALANCE, DEFAULT_BALANCE_POWER } from './datasets/balance.js';
import { PAPER_FRACTIONS } from './datasets/split.js';
import { SYNONYM_SCOPES } from './ontology/obo.js';
import { DEFAULT_MAX_PIXELS } from './images/pixels.js';
import { WORKERS_PER_CORE, maxWorkerCount } from './util/worker-count.js';

export const OPTION_VALUES = Object.freeze({
  /** The three topic levels, in chain order (option `level` of the topics, dataset, train and evaluate stages). */
  topicLevels: TOPIC_LEVELS,
  /** CNN architectures (option `architecture`). */
  architectures: ARCHITECTURES,
  /** How a dataset weighs its classes (option `balance`), and the default. */
  balanceModes: BALANCE_MODES,
  defaultBalance: DEFAULT_BALANCE,
  /** Class weights ∝ (training images)^-power (option `balancePower`). */
  defaultBalancePower: DEFAULT_BALANCE_POWER,
  /** The paper's train/validation/test fractions, the default split. */
  paperFractions: PAPER_FRACTIONS,
  /** Disease Ontology synonym scopes (option `synonymScopes`). */
  synonymScopes: SYNONYM_SCOPES,
  /** Images whose frames declare more pixels are refused before decoding (option `maxPixels`). */
  defaultMaxPixels: DEFAULT_MAX_PIXELS,
  /** The most threads option `workers` (and onnxruntime's `threads`) may ask for on this machine. */
  maxWorkers: maxWorkerCount(),
  workersPerCore: WORKERS_PER_CORE,
});
