/**
 * End-to-end: the official JavaScript client, @kubernetes/client-node 1.x, used unchanged
 * against a real `k8ts server`, once on SQLite and once on a real etcd. Covers typed CRUD
 * (CoreV1Api, AppsV1Api), merge patch, label selectors, the scale subresource, Watch,
 * informers, and the 404 / 409 error paths as the client sees them (ApiException + Status).
 *
 * Every wait is bounded and no assertion is about time. Each suite stops what it started:
 * watches, informers, the server and etcd; the test process must exit on its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Deployment,
  Watch,
} from '@kubernetes/client-node';
import { type EtcdCluster, startEtcd } from '../support/etcd.js';
import { type RunningServer, startServer } from '../support/server.js';

const WAIT_MS = 10_000;

/** Polls `check` until it returns true, failing with `what` if it has not within WAIT_MS. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`gave up waiting for ${what}`);
}

/** Resolves like `p`, or fails with `what` if `p` has not settled within WAIT_MS. */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  const ac = new AbortController();
  const timeout = sleep(WAIT_MS, undefined, { signal: ac.signal }).then(
    () => assert.fail(`gave up waiting for ${what}`),
    () => undefined as never,
  );
  try {
    return await Promise.race([p, timeout]);
  } finally {
    ac.abort();
  }
}

/** Runs `call`, which must fail with an ApiException; returns its code and the parsed Status body. */
async function apiError(
  call: () => Promise<unknown>,
): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call();
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
    const body: unknown = err.body;
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
    return { code: err.code, status };
  }
  assert.fail('expected the call to fail');
}

function configMap(name: string, labels: Record<string, string>, data: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

function deployment(name: string, replicas: number): V1Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'busybox:1.35' }] } },
    },
  };
}

interface Backend {
  server: RunningServer;
  etcd?: EtcdCluster;
}

function clientSuite(name: string, start: () => Promise<Backend>): void {
  describe(`@kubernetes/client-node against k8ts (${name})`, () => {
    let backend: Backend | undefined;
    const kc = new KubeConfig();
    let core: CoreV1Api;
    let apps: AppsV1Api;
    const ns = `client-node-${name}`;

    before(async () => {
      backend = await start();
      kc.loadFromFile(backend.server.kubeconfig);
      core = kc.makeApiClient(CoreV1Api);
      apps = kc.makeApiClient(AppsV1Api);
      const created = await core.createNamespace({ body: { metadata: { name: ns } } });
      assert.equal(created.metadata?.name, ns);
    });

    after(async () => {
      await backend?.server.stop();
      await backend?.etcd?.stop();
    });

    it('creates, reads, replaces, patches, lists and deletes ConfigMaps', async () => {
      const created = await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('crud', { tier: 'a' }, { k: 'v1' }),
      });
      assert.equal(created.metadata?.namespace, ns);
      assert.ok(created.metadata?.uid);
      assert.ok(created.metadata?.resourceVersion);

      const read = await core.readNamespacedConfigMap({ name: 'crud', namespace: ns });
      assert.deepEqual(read.data, { k: 'v1' });
      assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

      read.data = { k: 'v2' };
      const replaced = await core.replaceNamespacedConfigMap({ name: 'crud', namespace: ns, body: read });
      assert.deepEqual(replaced.data, { k: 'v2' });
      assert.notEqual(replaced.metadata?.resourceVersion, read.metadata?.resourceVersion);

      const patched = await core.patchNamespacedConfigMap(
        {
          name: 'crud',
          namespace: ns,
          body: { data: { extra: 'x' }, metadata: { labels: { patched: 'yes' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      assert.deepEqual(patched.data, { k: 'v2', extra: 'x' });
      assert.deepEqual(patched.metadata?.labels, { tier: 'a', patched: 'yes' });

      await core.createNamespacedConfigMap({ namespace: ns, body: configMap('other', { tier: 'b' }, {}) });
      const tierA = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier=a' });
      assert.deepEqual(
        tierA.items.map((c) => c.metadata?.name),
        ['crud'],
      );
      assert.ok(tierA.metadata?.resourceVersion);
      const notA = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier!=a,tier' });
      assert.deepEqual(
        notA.items.map((c) => c.metadata?.name),
        ['other'],
      );

      await core.deleteNamespacedConfigMap({ name: 'crud', namespace: ns });
      await core.deleteNamespacedConfigMap({ name: 'other', namespace: ns });
      const left = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier' });
      assert.deepEqual(left.items, []);
    });

    it('creates, reads, scales and deletes a Deployment', async () => {
      const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 1) });
      assert.equal(created.spec?.replicas, 1);
      const read = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      assert.equal(read.metadata?.uid, created.metadata?.uid);
      assert.equal(read.spec?.template.spec?.containers[0]?.image, 'busybox:1.35');

      // Controllers may write the Deployment (status) between a read and a replace; like
      // any client, re-read and retry on 409 Conflict, a bounded number of times.
      let replaced: V1Deployment | undefined;
      for (let attempt = 1; !replaced; attempt++) {
        const current = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
        current.spec!.replicas = 3;
        try {
          replaced = await apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: current });
        } catch (err) {
          if (!(err instanceof ApiException && err.code === 409) || attempt >= 10) throw err;
        }
      }
      assert.equal(replaced.spec?.replicas, 3);
      assert.ok((replaced.metadata?.generation ?? 0) > (created.metadata?.generation ?? 0));

      const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: ns });
      assert.equal(scale.kind, 'Scale');
      assert.equal(scale.spec?.replicas, 3);
      assert.equal(scale.metadata?.name, 'web');

      await apps.deleteNamespacedDeployment({ name: 'web', namespace: ns, propagationPolicy: 'Background' });
      await waitFor('the deleted Deployment to be gone', async () => {
        try {
          await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
          return false;
        } catch (err) {
          return err instanceof ApiException && err.code === 404;
        }
      });
    });

    it('reports a missing object as 404 NotFound and a stale replace as 409 Conflict', async () => {
      const missing = await apiError(() => core.readNamespacedConfigMap({ name: 'absent', namespace: ns }));
      assert.equal(missing.code, 404);
      assert.equal(missing.status.kind, 'Status');
      assert.equal(missing.status.status, 'Failure');
      assert.equal(missing.status.reason, 'NotFound');
      assert.equal(missing.status.code, 404);

      const first = await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('race', {}, { n: '1' }),
      });
      await core.replaceNamespacedConfigMap({
        name: 'race',
        namespace: ns,
        body: { ...first, data: { n: '2' } },
      });
      const stale = await apiError(() =>
        core.replaceNamespacedConfigMap({
          name: 'race',
          namespace: ns,
          body: { ...first, data: { n: '3' } },
        }),
      );
      assert.equal(stale.code, 409);
      assert.equal(stale.status.reason, 'Conflict');
      assert.equal(stale.status.code, 409);
      const now = await core.readNamespacedConfigMap({ name: 'race', namespace: ns });
      assert.deepEqual(now.data, { n: '2' });
      await core.deleteNamespacedConfigMap({ name: 'race', namespace: ns });
    });

    it('starts a watch response before any event arrives', async () => {
      // Clients wait for the response headers before they consider a watch open (the
      // informer's start() does), so the server must send them without waiting for an event.
      const start = await core.listNamespacedConfigMap({ namespace: ns });
      let ended: unknown = 'open';
      const opened = new Watch(kc).watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: start.metadata?.resourceVersion },
        () => undefined,
        (err: unknown) => {
          ended = err;
        },
      );
      try {
        const watch = await within('the watch response headers while nothing changes', opened);
        watch.abort();
        await waitFor('the watch to report it ended', () => ended !== 'open');
      } finally {
        // If the headers never came, a change flushes them so the request can be ended.
        if (ended === 'open') {
          await core.createNamespacedConfigMap({ namespace: ns, body: configMap('flush', {}, {}) });
          (await within('the watch to open after a change', opened)).abort();
          await core.deleteNamespacedConfigMap({ name: 'flush', namespace: ns });
        }
      }
    });

    it('watches ADDED, MODIFIED and DELETED', async () => {
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const start = await core.listNamespacedConfigMap({ namespace: ns });
      const events: { type: string; name: string; data: Record<string, string> | undefined }[] = [];
      let ended: unknown = 'open';
      // Watching from the list's resourceVersion: changes made from here on are delivered
      // even if they happen before the response has started.
      const opened = new Watch(kc).watch(
        path,
        { resourceVersion: start.metadata?.resourceVersion },
        (type, obj: V1ConfigMap) => {
          // Only this test's object: controllers may add others to the namespace.
          if (obj.metadata?.name === 'watched') {
            events.push({ type, name: obj.metadata.name, data: obj.data });
          }
        },
        (err: unknown) => {
          ended = err;
        },
      );
      try {
        await core.createNamespacedConfigMap({ namespace: ns, body: configMap('watched', {}, { v: '1' }) });
        await core.patchNamespacedConfigMap(
          { name: 'watched', namespace: ns, body: { data: { v: '2' } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        await core.deleteNamespacedConfigMap({ name: 'watched', namespace: ns });
        await within('the watch to open', opened);
        await waitFor('three watch events', () => events.length >= 3);
        assert.equal(ended, 'open', 'the watch ended early');
        assert.deepEqual(
          events.map((e) => [e.type, e.name]),
          [
            ['ADDED', 'watched'],
            ['MODIFIED', 'watched'],
            ['DELETED', 'watched'],
          ],
        );
        assert.deepEqual(events[1]?.data, { v: '2' });
      } finally {
        (await within('the watch to open', opened)).abort();
      }
      await waitFor('the watch to report it ended', () => ended !== 'open');
    });

    it('runs an informer that syncs, sees add/update/delete and keeps a matching cache', async () => {
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('pre', { inf: 'y' }, { a: '1' }),
      });
      // Selected by label, so objects other components put in the namespace stay out.
      const informer = makeInformer<V1ConfigMap>(
        kc,
        path,
        () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'inf=y' }),
        'inf=y',
      );
      const seen: string[] = [];
      const errors: unknown[] = [];
      let stopped = false;
      informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
      informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.a}`));
      informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
      informer.on('error', (err) => {
        if (!stopped) errors.push(err);
      });
      try {
        // start() resolves once the initial list is in the cache and the watch is open.
        await within('the informer to sync', informer.start());
        assert.deepEqual(seen, ['add pre']);
        assert.deepEqual(
          informer.list(ns).map((o) => o.metadata?.name),
          ['pre'],
        );

        await core.createNamespacedConfigMap({
          namespace: ns,
          body: configMap('live', { inf: 'y' }, { a: '1' }),
        });
        await core.patchNamespacedConfigMap(
          { name: 'live', namespace: ns, body: { data: { a: '2' } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        await core.deleteNamespacedConfigMap({ name: 'pre', namespace: ns });
        await waitFor('informer add/update/delete', () => seen.length >= 4);
        assert.deepEqual(seen, ['add pre', 'add live', 'update live 2', 'delete pre']);

        const server = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'inf=y' });
        const key = (o: V1ConfigMap) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`;
        await waitFor('the informer cache to match the server', () => {
          const cached = informer.list(ns).map(key).sort();
          return JSON.stringify(cached) === JSON.stringify(server.items.map(key).sort());
        });
        assert.equal(informer.get('live', ns)?.data?.a, '2');
        assert.equal(informer.get('pre', ns), undefined);
        assert.deepEqual(errors, []);
      } finally {
        stopped = true;
        await informer.stop();
      }
      await core.deleteNamespacedConfigMap({ name: 'live', namespace: ns });
    });
  });
}

clientSuite('sqlite', async () => ({ server: await startServer() }));

clientSuite('etcd', async () => {
  const etcd = await startEtcd();
  try {
    return { etcd, server: await startServer({ datastoreEndpoint: etcd.endpoints.join(',') }) };
  } catch (err) {
    await etcd.stop();
    throw err;
  }
});
