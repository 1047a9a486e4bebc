/**
 * Test support: kill one worker of a stage mid-run, through the harness's test-only spawn
 * hook, to check that the stage fails with a clear WorkerError instead of hanging.
 *
 *   const restore = killWorkerAfter('lda', 1, 2); // worker 1 of the LDA group, after its 2nd message
 *   try { await assert.rejects(new LdaModel({ numTopics: 5, workers: 2 }).train(corpus), /lda: worker 1 of \d+ exited unexpectedly/); } finally { restore(); }
 *
 * Messages counted are everything the worker posts: its ready message is the 1st, then replies
 * and progress values. `messages: 0` kills it right after spawning (before it is ready).
 */
import { setSpawnHook } from '../src/util/workers.js';

/** Installs the hook; returns a function that restores the previous one. */
export function killWorkerAfter(stage: string, index: number, messages: number): () => void {
  const previous = setSpawnHook((s, i, worker) => {
    previous?.(s, i, worker);
    if (s !== stage || i !== index) return;
    if (messages === 0) {
      void worker.terminate();
      return;
    }
    let seen = 0;
    worker.on('message', () => {
      if (++seen === messages) void worker.terminate();
    });
  });
  return () => {
    setSpawnHook(previous);
  };
}
