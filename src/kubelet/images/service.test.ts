/**
 * The image service against a recording runtime (no containerd): which credentials reach
 * the CRI PullImage call (pull Secrets matched by registry, the node's registries-file
 * credentials, missing Secrets), shared identical pulls, the runtime's error words, and
 * invalid names. Policies and back-off against a real containerd are in images.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { KObject } from '../../registry/types.js';
import { CriError } from '../cri/call.js';
import type { AuthConfig, Image, ImageSpec } from '../cri/types.js';
import type { ContainerWaitingError, ObjectSource } from '../pods/deps.js';
import { createImageService } from './service.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A runtime that has no images and answers pulls with `answer`, recording each call. */
class RecordingCri {
  pulls: { image: string; auth: AuthConfig | undefined }[] = [];
  gate: Promise<void> = Promise.resolve();
  constructor(readonly answer: (image: string, auth: AuthConfig | undefined) => string) {}
  async imageStatus(spec: ImageSpec): Promise<Image | null> {
    if (!spec.image.startsWith('sha256:')) return null;
    return {
      id: spec.image,
      repo_tags: [],
      repo_digests: [],
      size: '1234',
      uid: null,
      username: '',
      spec: null,
      pinned: false,
    };
  }
  async pullImage(spec: ImageSpec, _o: unknown, auth?: AuthConfig): Promise<string> {
    this.pulls.push({ image: spec.image, auth });
    await this.gate;
    return this.answer(spec.image, auth);
  }
}

function objects(secrets: Record<string, KObject>): ObjectSource {
  return { get: async (_r, _ns, name) => secrets[name] };
}

function pod(pullSecrets: string[] = []): KObject {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'uid-1' },
    spec: { imagePullSecrets: pullSecrets.map((name) => ({ name })) },
  };
}

function setup(
  cri: RecordingCri,
  secrets: Record<string, KObject> = {},
  registryAuth?: (h: string) => AuthConfig | undefined,
) {
  const events: string[] = [];
  const svc = createImageService({
    cri,
    objects: objects(secrets),
    events: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    log: () => undefined,
    ...(registryAuth ? { registryAuth } : {}),
  });
  return { svc, events };
}

const signal = new AbortController().signal;
const ok = (): string => 'sha256:abc';

describe('image service credentials', () => {
  it('sends the matching pull Secret as the CRI AuthConfig', async () => {
    const cri = new RecordingCri(ok);
    const secret: KObject = {
      metadata: { name: 'regcred' },
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': b64(
          JSON.stringify({
            auths: { '127.0.0.1:5000': { auth: b64('alice:pw') }, 'other.io': { auth: b64('x:y') } },
          }),
        ),
      },
    };
    const { svc } = setup(cri, { regcred: secret });
    const ref = await svc.ensureImage(
      pod(['regcred']),
      { name: 'c', image: '127.0.0.1:5000/app:1', imagePullPolicy: 'Always' },
      signal,
    );
    assert.equal(ref, 'sha256:abc');
    assert.deepEqual(cri.pulls, [
      { image: '127.0.0.1:5000/app:1', auth: { username: 'alice', password: 'pw' } },
    ]);
  });

  it('pulls anonymously and warns when a pull Secret is missing', async () => {
    const cri = new RecordingCri(ok);
    const { svc, events } = setup(cri);
    await svc.ensureImage(pod(['gone', 'also-gone']), { name: 'c', image: 'busybox:1.36' }, signal);
    assert.deepEqual(cri.pulls, [{ image: 'busybox:1.36', auth: undefined }]);
    assert.ok(
      events.includes(
        'Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (gone, also-gone); attempting to pull the image may not succeed.',
      ),
      events.join('\n'),
    );
  });

  it("uses the node's registry credentials when no Secret matches, after failing ones", async () => {
    const node: AuthConfig = { username: 'node', password: 'npw' };
    const cri = new RecordingCri((_i, auth) => {
      if (auth?.username !== 'node') throw new CriError('PullImage', grpc.status.UNKNOWN, 'unauthorized');
      return 'sha256:abc';
    });
    const hub: KObject = {
      metadata: { name: 'hub' },
      type: 'kubernetes.io/dockercfg',
      data: {
        '.dockercfg': b64(
          JSON.stringify({ 'https://index.docker.io/v1/': { username: 'u', password: 'p' } }),
        ),
      },
    };
    const { svc } = setup(cri, { hub }, (host) => (host === 'docker.io' ? node : undefined));
    await svc.ensureImage(pod(['hub']), { name: 'c', image: 'busybox' }, signal);
    assert.deepEqual(
      cri.pulls.map((p) => p.auth),
      [{ username: 'u', password: 'p' }, node],
    );
  });
});

describe('image service pulls', () => {
  it('shares identical concurrent pulls', async () => {
    const cri = new RecordingCri(ok);
    let open!: () => void;
    cri.gate = new Promise((r) => {
      open = r;
    });
    const { svc, events } = setup(cri);
    const c = { name: 'c', image: '127.0.0.1:5000/app:1', imagePullPolicy: 'Always' };
    const both = Promise.all([
      svc.ensureImage(pod(), c, signal),
      svc.ensureImage(pod(), { ...c, name: 'd' }, signal),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    open();
    assert.deepEqual(await both, ['sha256:abc', 'sha256:abc']);
    assert.equal(cri.pulls.length, 1);
    assert.equal(events.filter((e) => e.startsWith('Normal Pulled Successfully pulled image')).length, 2);
    assert.match(events.at(-1)!, /Image size: 1234 bytes\.$/);
  });

  it("keeps the runtime's words in ErrImagePull", async () => {
    const cri = new RecordingCri(() => {
      throw new CriError(
        'PullImage',
        grpc.status.NOT_FOUND,
        'failed to pull and unpack image "x": not found',
      );
    });
    const { svc, events } = setup(cri);
    await assert.rejects(
      svc.ensureImage(pod(), { name: 'c', image: '127.0.0.1:5000/x:1' }, signal),
      (err: ContainerWaitingError) =>
        err.reason === 'ErrImagePull' &&
        err.message === 'rpc error: code = NotFound desc = failed to pull and unpack image "x": not found',
    );
    assert.ok(
      events.includes(
        'Warning Failed Failed to pull image "127.0.0.1:5000/x:1": rpc error: code = NotFound desc = failed to pull and unpack image "x": not found',
      ),
    );
  });

  it('rejects an invalid name as InvalidImageName without asking the runtime', async () => {
    const cri = new RecordingCri(ok);
    const { svc, events } = setup(cri);
    await assert.rejects(
      svc.ensureImage(pod(), { name: 'c', image: 'bad image' }, signal),
      (err: ContainerWaitingError) =>
        err.reason === 'InvalidImageName' &&
        err.message ===
          'Failed to apply default image tag "bad image": couldn\'t parse image name "bad image": invalid reference format',
    );
    assert.deepEqual(cri.pulls, []);
    assert.match(events[0]!, /^Warning InspectFailed Failed to apply default image tag/);
  });
});

describe('image service image user', () => {
  /** A runtime holding `sha256:u` (uid 1000) and `sha256:n` (user "nobody"), counting ImageStatus calls. */
  class StatusCri {
    looks: string[] = [];
    async imageStatus(spec: ImageSpec): Promise<Image | null> {
      this.looks.push(spec.image);
      const byName: Record<string, string> = { 'reg.io/u:1': 'sha256:u', 'reg.io/n:1': 'sha256:n' };
      const id = byName[spec.image] ?? spec.image;
      if (id !== 'sha256:u' && id !== 'sha256:n') return null;
      return {
        id,
        repo_tags: [],
        repo_digests: [],
        size: '1',
        uid: id === 'sha256:u' ? { value: '1000' } : null,
        username: id === 'sha256:n' ? 'nobody' : '',
        spec: null,
        pinned: false,
      };
    }
    async pullImage(): Promise<string> {
      throw new Error('no pulls here');
    }
  }

  it('answers from what ensureImage saw, without asking the runtime again', async () => {
    const cri = new StatusCri();
    const svc = createImageService({
      cri,
      objects: objects({}),
      events: () => undefined,
      log: () => undefined,
    });
    const c = { name: 'c', image: 'reg.io/u:1', imagePullPolicy: 'IfNotPresent' };
    const ref = await svc.ensureImage(pod(), c, signal);
    assert.equal(ref, 'sha256:u');
    assert.deepEqual(await svc.imageUser(ref, signal), { uid: 1000, username: '' });
    assert.deepEqual(await svc.imageUser(ref, signal), { uid: 1000, username: '' });
    assert.deepEqual(cri.looks, ['reg.io/u:1']);
  });

  it('asks once per unknown image id, and again for an image the runtime lacks', async () => {
    const cri = new StatusCri();
    const svc = createImageService({
      cri,
      objects: objects({}),
      events: () => undefined,
      log: () => undefined,
    });
    assert.deepEqual(await svc.imageUser('sha256:n', signal), { username: 'nobody' });
    assert.deepEqual(await svc.imageUser('sha256:n', signal), { username: 'nobody' });
    assert.deepEqual(await svc.imageUser('sha256:gone', signal), { username: '' });
    assert.deepEqual(await svc.imageUser('sha256:gone', signal), { username: '' });
    assert.deepEqual(cri.looks, ['sha256:n', 'sha256:gone', 'sha256:gone']);
  });
});
