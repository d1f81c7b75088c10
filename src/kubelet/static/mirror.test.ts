/**
 * Mirror pods against a real API server (SQLite, in-process client) and static pods from
 * a real temporary directory: created with the config.mirror annotation and the Node as
 * owner, re-created after a delete, replaced when the manifest changes, deleted with the
 * manifest or when orphaned, and a pod that is not a mirror pod left alone.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import { isNotFound } from '../../client/errors.js';
import { Informer } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import { CONFIG_MIRROR, CONFIG_SOURCE } from './annotations.js';
import { MirrorPods } from './mirror.js';
import { StaticPodFiles } from './source.js';

const manifest = (name: string, arg = '3600') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: kube-system}
spec:
  containers: [{name: c, image: "127.0.0.1:5000/busybox:1", command: [sleep, "${arg}"]}]
`;

describe('mirror pods', () => {
  let api: TestApiServer;
  let dir: string;
  let src: StaticPodFiles;
  let nodeUid = '';
  const logs: string[] = [];
  const ac = new AbortController();
  const running: Promise<unknown>[] = [];
  const pods = () => api.client().resource('', 'v1', 'pods');

  async function get(name: string): Promise<KObject | undefined> {
    try {
      return await pods().get('kube-system', name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Waits (at most 10 s) until `f` gives a value. */
  async function until<T>(what: string, f: () => Promise<T | undefined | false>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await f();
      if (v) return v;
      await sleep(50);
    }
    assert.fail(`timed out waiting for ${what}\n${logs.join('\n')}`);
  }

  before(async () => {
    api = await startTestApiServer();
    dir = await mkdtemp(join(tmpdir(), 'k8ts-mirror-'));
    const node = await api
      .client()
      .resource('', 'v1', 'nodes')
      .create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    nodeUid = node.metadata?.uid ?? '';
    await writeFile(join(dir, 'web.yaml'), manifest('web'));
    src = new StaticPodFiles({ path: dir, nodeName: 'n1', log: (m) => logs.push(m) });
    await src.scan();
    const informer = new Informer(pods(), { fieldSelector: 'spec.nodeName=n1' });
    const mirrors = new MirrorPods({
      client: api.client(),
      nodeName: 'n1',
      source: src,
      informer,
      log: (m) => logs.push(m),
    });
    running.push(informer.start(ac.signal), mirrors.run(ac.signal));
  });

  after(async () => {
    ac.abort();
    await Promise.allSettled(running);
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the mirror pod with the hash and the Node as its owner', async () => {
    const uid = src.byName('kube-system', 'web-n1')?.metadata?.uid;
    const mirror = await until('the mirror pod', () => get('web-n1'));
    assert.equal(mirror.metadata?.annotations?.[CONFIG_MIRROR], uid);
    assert.equal(mirror.metadata?.annotations?.[CONFIG_SOURCE], 'file');
    assert.notEqual(mirror.metadata?.uid, uid, 'the API server gives the mirror pod its own uid');
    assert.deepEqual(mirror.metadata?.ownerReferences, [
      { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: nodeUid, controller: true },
    ]);
    assert.equal((mirror['spec'] as Record<string, unknown>)['nodeName'], 'n1');
  });

  it('re-creates a mirror pod deleted through the API', async () => {
    const before = await until('the mirror pod', () => get('web-n1'));
    await pods().delete('kube-system', 'web-n1');
    const again = await until('a new mirror pod', async () => {
      const p = await get('web-n1');
      return p && p.metadata?.uid !== before.metadata?.uid && !p.metadata?.deletionTimestamp && p;
    });
    assert.equal(again.metadata?.annotations?.[CONFIG_MIRROR], before.metadata?.annotations?.[CONFIG_MIRROR]);
  });

  it('replaces the mirror pod when the manifest changes', async () => {
    await writeFile(join(dir, 'web.yaml'), manifest('web', '10'));
    await src.scan();
    const uid = src.byName('kube-system', 'web-n1')?.metadata?.uid ?? '';
    const mirror = await until('the new mirror pod', async () => {
      const p = await get('web-n1');
      return p?.metadata?.annotations?.[CONFIG_MIRROR] === uid && p;
    });
    const spec = mirror['spec'] as { containers: { command: string[] }[] };
    assert.deepEqual(spec.containers[0]?.command, ['sleep', '10']);
  });

  it('deletes a mirror pod whose static pod does not exist', async () => {
    await pods().create('kube-system', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray-n1', annotations: { [CONFIG_MIRROR]: 'feedface' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i:1' }] },
    });
    await until('the orphan gone', async () => (await get('stray-n1')) === undefined);
  });

  it('leaves alone a pod of the same name that is not a mirror pod', async () => {
    await pods().create('kube-system', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'other-n1' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i:1' }] },
    });
    await writeFile(join(dir, 'other.yaml'), manifest('other'));
    await src.scan();
    await until('the conflict logged', async () => logs.some((l) => l.includes('kube-system/other-n1')));
    const p = await get('other-n1');
    assert.ok(p);
    assert.equal(p.metadata?.annotations?.[CONFIG_MIRROR], undefined);
  });

  it('deletes the mirror pod when the manifest goes away', async () => {
    await rm(join(dir, 'web.yaml'));
    await src.scan();
    await until('the mirror pod gone', async () => (await get('web-n1')) === undefined);
  });
});
