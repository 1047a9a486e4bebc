/**
 * The public API is a contract (src/index.ts, docs/architecture.md#public-api): a few dozen values
 * grouped as the pipeline runs, no internals. This is what `import('pacsmine')` gives a project
 * that depends on pacsmine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as api from './index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The most values index.ts may export: 60, then the image model classes ImageClassifier and
 * ImageRegressor (62), then classification and keywords as queue jobs, enqueueClassify and
 * enqueueKeywords (64), then report ingest as queue jobs, enqueueIngest (65), then
 * convertedKeyImagePaths, the images `classify`/`keywords --all-key-images` run over (66). Raise it
 * only for a value users need, in its group.
 */
const MAX_VALUES = 66;

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

test('every name the README\'s library column and the docs\' `from \'pacsmine\'` examples use is exported', () => {
  const missing: string[] = [];
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const pipeline = readme.slice(readme.indexOf('## The pipeline'), readme.indexOf('## ', readme.indexOf('## The pipeline') + 3));
  for (const row of pipeline.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| stage') && !l.startsWith('|---'))) {
    const library = row.replace(/\\\|/g, '').split('|')[3] ?? '';
    for (const m of library.matchAll(/`([A-Za-z_]+)`/g)) if (!(m[1]! in api)) missing.push(`README: ${m[1]}`);
  }
  const docs = path.join(ROOT, 'docs');
  for (const file of readdirSync(docs).filter((f) => f.endsWith('.md'))) {
    for (const m of readFileSync(path.join(docs, file), 'utf8').matchAll(/import \{([^}]*)\} from 'pacsmine'/g)) {
      // Values only (`type X` is erased); `...` elides names in prose.
      for (const name of m[1]!.split(',').map((n) => n.trim()).filter((n) => /^[A-Za-z_]+$/.test(n))) {
        if (!(name in api)) missing.push(`docs/${file}: ${name}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});
