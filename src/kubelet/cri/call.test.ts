import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { CriError } from './call.js';
import { CriClient } from './client.js';
import { criServices } from './schema.js';

// A fake runtime on a unix socket: Version answers, ListImages never does, Stop* fails.
async function fakeRuntime(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cri-call-'));
  const server = new grpc.Server();
  const { RuntimeService, ImageService } = criServices();
  const pending: grpc.sendUnaryData<unknown>[] = [];
  server.addService(RuntimeService.service, {
    Version: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, { version: '0.1.0', runtime_name: 'fake', runtime_version: '1', runtime_api_version: 'v1' }),
    StopContainer: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      cb({ code: grpc.status.NOT_FOUND, details: 'no such container' }),
  });
  server.addService(ImageService.service, {
    ListImages: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      pending.push(cb),
  });
  const sock = join(dir, 'fake.sock');
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  t.after(async () => {
    for (const cb of pending) cb(null, { images: [] });
    server.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });
  return sock;
}

test('calls answer, fail with a typed error, abort and time out', async (t) => {
  const sock = await fakeRuntime(t);
  const cri = new CriClient({ address: sock, defaultTimeoutMs: 10_000 });
  t.after(() => cri.close());
  const signal = AbortSignal.timeout(10_000);

  const v = await cri.version({ signal });
  assert.equal(v.runtime_name, 'fake');

  await assert.rejects(cri.stopContainer('x', 1, { signal }), (e: unknown) => {
    assert.ok(e instanceof CriError);
    assert.equal(e.code, grpc.status.NOT_FOUND);
    assert.ok(e.notFound);
    return true;
  });

  const ac = new AbortController();
  const listing = cri.listImages(undefined, { signal: ac.signal });
  ac.abort(new Error('stop waiting'));
  await assert.rejects(listing, /stop waiting/);

  await assert.rejects(cri.listImages(undefined, { signal, timeoutMs: 50 }), (e: unknown) => {
    assert.ok(e instanceof CriError);
    assert.equal(e.code, grpc.status.DEADLINE_EXCEEDED);
    return true;
  });
});
