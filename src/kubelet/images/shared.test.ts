/** Identical concurrent work is shared; callers abort alone; the work stops when all have gone. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedWork } from './shared.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('a second caller with the same key joins the first run', async () => {
  const w = new SharedWork<string>();
  const gate = deferred<string>();
  let runs = 0;
  const work = async (): Promise<string> => {
    runs++;
    return gate.promise;
  };
  const signal = new AbortController().signal;
  const a = w.run('k', signal, work);
  const b = w.run('k', signal, work);
  const c = w.run('other', signal, async () => 'c');
  gate.resolve('done');
  assert.deepEqual(await a, { value: 'done', shared: false });
  assert.deepEqual(await b, { value: 'done', shared: true });
  assert.deepEqual(await c, { value: 'c', shared: false });
  assert.equal(runs, 1);
  assert.equal(w.size, 0);
  await w.run('k', signal, async () => 'again');
  assert.equal(runs, 1, 'a settled run is not reused');
});

test('the work is cancelled only when every caller has aborted', async () => {
  const w = new SharedWork<string>();
  let workSignal: AbortSignal | undefined;
  const work = (s: AbortSignal): Promise<string> => {
    workSignal = s;
    return new Promise((_, reject) => s.addEventListener('abort', () => reject(new Error('cancelled'))));
  };
  const one = new AbortController();
  const two = new AbortController();
  const a = w.run('k', one.signal, work);
  const b = w.run('k', two.signal, work);
  await Promise.resolve();
  one.abort(new Error('one went'));
  await assert.rejects(a, /one went/);
  assert.equal(workSignal?.aborted, false);
  two.abort(new Error('two went'));
  await assert.rejects(b, /two went/);
  assert.equal(workSignal?.aborted, true);
  assert.equal(w.size, 0);
});
