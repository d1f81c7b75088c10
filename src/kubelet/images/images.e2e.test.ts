/**
 * The image service, the registries file and image imports against a real containerd
 * (started by the supervisor in a temporary directory laid out as a node's data directory)
 * and the loopback registry: pull policies, ErrImagePull then ImagePullBackOff on a
 * clock the test moves, a docker.io mirror through hosts.toml, and `k8ts images import` /
 * `list` of an archive made with skopeo. Needs root and the Debian packages of
 * RUNTIME.md; skipped otherwise. Sends nothing off the machine: every image named lives
 * in the loopback registry (the mirror test checks that first).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  BUSYBOX_IMAGE,
  ensureTestImages,
  PAUSE_IMAGE,
  realContainersUnavailable,
  TEST_REGISTRY,
} from '../../../test/support/registry.js';
import type { CliContext } from '../../cli/command.js';
import { runCli } from '../../cli/run.js';
import type { KObject } from '../../registry/types.js';
import { ContainerdSupervisor } from '../containerd/supervisor.js';
import { CriClient } from '../cri/client.js';
import type { ContainerWaitingError } from '../pods/deps.js';
import { importImageArchives } from './import.js';
import { registryAuthLookup } from './registries.js';
import { loadRegistries } from './registries-file.js';
import { createImageService } from './service.js';

const run = promisify(execFile);

function pod(uid: string): KObject {
  return { metadata: { name: `pod-${uid}`, namespace: 'default', uid }, spec: {} };
}

async function waitingReason(p: Promise<unknown>): Promise<ContainerWaitingError> {
  try {
    await p;
  } catch (err) {
    return err as ContainerWaitingError;
  }
  assert.fail('expected a ContainerWaitingError');
}

/** Does the loopback registry serve `repo:tag` (so a mirror pull cannot fall through)? */
async function registryHas(repo: string, tag: string): Promise<boolean> {
  const res = await fetch(`http://${TEST_REGISTRY}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
    signal: AbortSignal.timeout(5_000),
  });
  return res.ok;
}

test('images on a real containerd', async (t) => {
  const reason = await realContainersUnavailable();
  if (reason) {
    t.skip(reason);
    return;
  }
  const signal = AbortSignal.timeout(240_000);
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-images-e2e-'));
  const cleanups: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const stopRegistry = await ensureTestImages(signal);
  cleanups.push(stopRegistry);

  const registriesFile = join(dir, 'registries.yaml');
  await writeFile(registriesFile, `mirrors:\n  docker.io:\n    endpoint: ["http://${TEST_REGISTRY}"]\n`);
  const registries = await loadRegistries(registriesFile);
  assert.ok(registries);
  const dataDir = join(dir, 'data');
  const sup = new ContainerdSupervisor({
    dir: join(dataDir, 'agent', 'containerd'),
    sandboxImage: PAUSE_IMAGE,
    registries,
  });
  cleanups.push(() => sup.close());
  await sup.start(signal);
  const cri = new CriClient({ address: sup.layout.address });
  cleanups.push(() => cri.close());

  let clock = 1_000_000;
  const events: string[] = [];
  const images = createImageService({
    cri,
    objects: { get: async () => undefined },
    events: (_o, type, r, message) => events.push(`${type} ${r} ${message}`),
    log: () => undefined,
    now: () => clock,
    registryAuth: registryAuthLookup(registries),
  });
  const o = { signal };

  await t.test('IfNotPresent pulls once, then finds the image; Never only looks; Always pulls', async () => {
    events.length = 0;
    const c = { name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent' };
    const id = await images.ensureImage(pod('a'), c, signal);
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal((await cri.imageStatus({ image: BUSYBOX_IMAGE }, o))?.id, id);
    assert.deepEqual(events.slice(0, 1), [`Normal Pulling Pulling image "${BUSYBOX_IMAGE}"`]);
    assert.match(
      events[1] ?? '',
      /^Normal Pulled Successfully pulled image "127\.0\.0\.1:5000\/library\/busybox:1\.36" in \S+ \(\S+ including waiting\)\. Image size: [1-9]\d* bytes\.$/,
    );

    events.length = 0;
    assert.equal(await images.ensureImage(pod('a'), c, signal), id);
    assert.equal(await images.ensureImage(pod('a'), { ...c, imagePullPolicy: 'Never' }, signal), id);
    assert.deepEqual(events, [
      `Normal Pulled Container image "${BUSYBOX_IMAGE}" already present on machine`,
      `Normal Pulled Container image "${BUSYBOX_IMAGE}" already present on machine`,
    ]);

    events.length = 0;
    assert.equal(await images.ensureImage(pod('a'), { ...c, imagePullPolicy: 'Always' }, signal), id);
    assert.equal(
      events[0],
      `Normal Pulling Pulling image "${BUSYBOX_IMAGE}"`,
      'Always pulls even when present',
    );

    const absent = `${TEST_REGISTRY}/library/busybox:latest`;
    assert.equal(await cri.imageStatus({ image: absent }, o), null);
    const never = await waitingReason(
      images.ensureImage(pod('a'), { ...c, image: absent, imagePullPolicy: 'Never' }, signal),
    );
    assert.equal(never.reason, 'ErrImageNeverPull');
    assert.equal(never.message, `Container image "${absent}" is not present with pull policy of Never`);
    assert.equal(await cri.imageStatus({ image: absent }, o), null, 'Never did not pull');
  });

  await t.test(
    'a missing image: ErrImagePull, then ImagePullBackOff until the back-off runs out',
    async () => {
      events.length = 0;
      const missing = `${TEST_REGISTRY}/library/missing:1`;
      const c = { name: 'c', image: missing };
      const first = await waitingReason(images.ensureImage(pod('b'), c, signal));
      assert.equal(first.reason, 'ErrImagePull');
      t.diagnostic(`ErrImagePull: ${first.message}`);
      assert.match(first.message, /failed to pull and unpack image "127\.0\.0\.1:5000\/library\/missing:1"/);
      assert.ok(
        events.includes(`Warning Failed Failed to pull image "${missing}": ${first.message}`),
        events.join('\n'),
      );

      clock += 9_000;
      const second = await waitingReason(images.ensureImage(pod('b'), c, signal));
      assert.equal(second.reason, 'ImagePullBackOff');
      assert.equal(second.message, `Back-off pulling image "${missing}"`);
      assert.equal(events.at(-1), `Normal BackOff Back-off pulling image "${missing}"`);
      assert.equal(
        (await waitingReason(images.ensureImage(pod('other'), c, signal))).reason,
        'ErrImagePull',
        'per pod',
      );

      clock += 1_000;
      assert.equal((await waitingReason(images.ensureImage(pod('b'), c, signal))).reason, 'ErrImagePull');
      clock += 19_999;
      assert.equal(
        (await waitingReason(images.ensureImage(pod('b'), c, signal))).reason,
        'ImagePullBackOff',
        '20 s now',
      );
      clock += 1;
      assert.equal((await waitingReason(images.ensureImage(pod('b'), c, signal))).reason, 'ErrImagePull');
    },
  );

  await t.test('a docker.io mirror in the registries file serves busybox:1.36', async () => {
    const hosts = await readFile(join(sup.layout.certsDir, 'docker.io', 'hosts.toml'), 'utf8');
    assert.match(hosts, /^\[host\."http:\/\/127\.0\.0\.1:5000"\]$/m);
    // The mirror must answer, or containerd would fall back to Docker Hub.
    assert.ok(await registryHas('library/busybox', '1.36'), 'the loopback registry lacks busybox:1.36');
    events.length = 0;
    const id = await images.ensureImage(
      pod('c'),
      { name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Always' },
      signal,
    );
    assert.equal((await cri.imageStatus({ image: 'docker.io/library/busybox:1.36' }, o))?.id, id);
    assert.match(events.at(-1) ?? '', /^Normal Pulled Successfully pulled image "busybox:1\.36"/);
  });

  await t.test('k8ts images import of a skopeo docker-archive, then CRI sees it', async () => {
    const archive = join(dir, 'some-name.tar');
    await run(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--src-tls-verify=false',
        `docker://${BUSYBOX_IMAGE}`,
        `docker-archive:${archive}:some/name:tag`,
      ],
      { signal },
    );
    assert.equal(await cri.imageStatus({ image: 'some/name:tag' }, o), null);
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = { out: (s) => out.push(s), err: (s) => err.push(s), signal };
    const code = await runCli(['images', 'import', '--data-dir', dataDir, archive], ctx, { version: '0' });
    assert.equal(code, 0, err.join('\n'));
    assert.deepEqual(out, [`${archive}: imported docker.io/some/name:tag`]);
    const status = await cri.imageStatus({ image: 'some/name:tag' }, o);
    assert.ok(status, 'CRI does not see the imported image');
    assert.ok(status.repo_tags.includes('docker.io/some/name:tag'));

    out.length = 0;
    assert.equal(
      await runCli(['images', 'list', '--data-dir', dataDir], ctx, { version: '0' }),
      0,
      err.join('\n'),
    );
    const listed = out.join('\n').split('\n');
    assert.match(listed[0] ?? '', /^REF +SIZE$/);
    assert.ok(
      listed.some((l) => /^docker\.io\/some\/name:tag +\d/.test(l)),
      listed.join('\n'),
    );

    // The kubelet's start-up import: every archive of a directory, broken ones reported.
    const imagesDir = join(dataDir, 'agent', 'images');
    await mkdir(imagesDir, { recursive: true });
    await copyFile(archive, join(imagesDir, 'a.tar'));
    await writeFile(join(imagesDir, 'b.tar.gz'), gzipSync(await readFile(archive)));
    await writeFile(join(imagesDir, 'broken.tar'), 'not an archive');
    await writeFile(join(imagesDir, 'notes.txt'), 'ignored');
    const summary = await importImageArchives(imagesDir, sup.layout.socket, { signal });
    assert.deepEqual(summary.imported, [
      { file: join(imagesDir, 'a.tar'), images: ['docker.io/some/name:tag'] },
      { file: join(imagesDir, 'b.tar.gz'), images: ['docker.io/some/name:tag'] },
    ]);
    assert.deepEqual(
      summary.failed.map((f) => f.file),
      [join(imagesDir, 'broken.tar')],
    );
  });
});
