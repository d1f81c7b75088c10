import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { CriError } from './call.js';
import { waitForRuntime } from './ready.js';

const VERSION = {
  version: '0.1.0',
  runtime_name: 'containerd',
  runtime_version: '1.6',
  runtime_api_version: 'v1',
};

test('asks again while the runtime is not initialized, then returns its version', async () => {
  let calls = 0;
  const cri = {
    async version() {
      calls++;
      if (calls < 4) throw new CriError('Version', grpc.status.UNKNOWN, 'server is not initialized yet');
      return VERSION;
    },
  };
  assert.deepEqual(await waitForRuntime(cri, AbortSignal.timeout(10_000), 5_000, 1), VERSION);
  assert.equal(calls, 4);
});

test('gives up with the last error at its deadline', async () => {
  let calls = 0;
  const cri = {
    async version(): Promise<typeof VERSION> {
      calls++;
      throw new CriError('Version', grpc.status.UNAVAILABLE, `no connection ${calls}`);
    },
  };
  await assert.rejects(
    waitForRuntime(cri, AbortSignal.timeout(10_000), 50, 5),
    /UNAVAILABLE: no connection \d+/,
  );
  assert.ok(calls >= 2, `asked ${calls} times`);
});

test('stops at once when aborted', async () => {
  const ac = new AbortController();
  const cri = {
    async version(): Promise<typeof VERSION> {
      ac.abort(new Error('stopping'));
      throw new CriError('Version', grpc.status.UNKNOWN, 'server is not initialized yet');
    },
  };
  await assert.rejects(waitForRuntime(cri, ac.signal, 60_000, 10_000), /not initialized/);
});
