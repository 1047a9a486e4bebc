/**
 * The public API is a contract (src/index.ts, docs/architecture.md#public-api): a few dozen values
 * grouped as the pipeline runs, no internals. This is what `import('pacsmine')` gives a project
 * that depends on pacsmine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from './index.js';

/** The most values index.ts may export. Raise it only for a value users need, in its group. */
const MAX_VALUES = 60;

test(`src/index.ts exports at most ${MAX_VALUES} values`, () => {
  const names = Object.keys(api);
  assert.ok(names.length <= MAX_VALUES, `${names.length} values exported (at most ${MAX_VALUES}): ${names.sort().join(', ')}`);
});

test('internals and test fixtures are not public', () => {
  for (const name of ['argmax', 'stableJson', 'registerTrainingKernels', 'generateTopicDocs', 'syntheticDataset', 'WorkerPool', 'exitCodeFor', 'formatCorpusStats']) {
    assert.ok(!(name in api), `${name} is internal`);
  }
});

test('what the README and docs name is there: the model classes, the stages, the workspace, the errors', () => {
  for (const name of ['Workspace', 'withWorkspace', 'LdaModel', 'Word2Vec', 'WordVectors', 'runTopicStage', 'runEmbedStage', 'ingestReports', 'readReports',
    'trainChain', 'evaluateLevel', 'trainRegression', 'searchImages', 'writeReport', 'runQueueWorker', 'OptionsError', 'MissingStageError', 'OPTION_VALUES']) {
    assert.ok(name in api, `${name} is public`);
  }
  assert.equal(typeof api.LdaModel.MAX_TOPICS, 'number');
  assert.ok(api.OPTION_VALUES.topicLevels.includes('document'));
  assert.ok(Object.isFrozen(api.OPTION_VALUES));
});
