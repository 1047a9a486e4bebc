/**
 * Every CLI verb, registered in one place. Each stage adds one import and one list entry here
 * and keeps its flags and printing in its own file.
 */
import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerDemo } from './demo.js';
import { registerIngest } from './ingest.js';
import { registerIngestCollection } from './ingest-collection.js';
import { registerLink } from './link.js';
import { registerStats } from './stats.js';
import { registerRejects } from './rejects.js';
import { registerRefs } from './refs.js';
import { registerSample } from './sample.js';
import { registerImages } from './images.js';
import { registerPacs } from './pacs.js';
import { registerExport } from './export.js';
import { registerDataset } from './dataset.js';
import { registerTrain } from './train.js';
import { registerEvaluate } from './evaluate.js';
import { registerClassify } from './classify.js';
import { registerPredict } from './predict.js';
import { registerTopics } from './topics.js';
import { registerEmbed } from './embed.js';
import { registerNeighbors } from './neighbors.js';
import { registerTerms } from './terms.js';
import { registerDescribe } from './describe.js';
import { registerRegress } from './regress.js';
import { registerKeywords } from './keywords.js';
import { registerSearch } from './search.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerQueue } from './queue.js';

const COMMANDS: Array<(program: Command) => void> = [
  registerInit,
  registerDemo,
  registerIngest,
  registerIngestCollection,
  registerLink,
  registerStats,
  registerRejects,
  registerRefs,
  registerSample,
  registerImages,
  registerPacs,
  registerExport,
  registerDataset,
  registerTrain,
  registerEvaluate,
  registerClassify,
  registerPredict,
  registerTopics,
  registerEmbed,
  registerNeighbors,
  registerTerms,
  registerDescribe,
  registerRegress,
  registerKeywords,
  registerSearch,
  registerReport,
  registerServe,
  registerQueue,
];

export function registerAllCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
