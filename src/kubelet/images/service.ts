/**
 * The kubelet's image manager: makes a container's image present according to its
 * imagePullPolicy before the container is created, as upstream kubelet 1.32 does. Always
 * pulls every time; IfNotPresent asks the runtime first; Never only looks. An unset policy
 * is defaulted as the API server would. Failed pulls start a per-pod, per-image back-off
 * (10 s doubling to 300 s); identical concurrent pulls share one CRI call. It records the
 * kubelet's Events on the pod (Pulling, Pulled, Failed, BackOff, ErrImageNeverPull,
 * InspectFailed, FailedToRetrieveImagePullSecret) and throws ContainerWaitingError with the
 * kubelet's reasons and messages. It does not remove images (no image GC here), and it does
 * not emit the container-level "Error: ErrImagePull" Event (the pod worker does).
 */
import type { KObject } from '../../registry/types.js';
import type { AuthConfig, Image, ImageSpec } from '../cri/types.js';
import {
  ContainerWaitingError,
  type EventSink,
  type ImageService,
  type ImageUser,
  type Obj,
  type ObjectSource,
} from '../pods/deps.js';
import { formatDuration } from '../simulated/duration.js';
import { type BackoffOptions, PullBackoff } from './backoff.js';
import {
  credentialsFor,
  type ImageCri,
  type PullOutcome,
  pullWithCredentials,
  readPullSecrets,
  runtimeMessage,
} from './pull.js';
import {
  applyDefaultTag,
  defaultPullPolicy,
  type PullPolicy,
  parseImageReference,
  repository,
} from './reference.js';
import { SharedWork } from './shared.js';

export interface ImageOptions {
  /** The runtime (a CriClient, or anything with its imageStatus and pullImage). */
  cri: ImageCri;
  objects: ObjectSource;
  events: EventSink;
  log: (m: string) => void;
  /** Clock for the back-off and the durations in Events (default Date.now). */
  now?: () => number;
  /** Credentials from the registries file for a registry host, when configured there. */
  registryAuth?: (host: string) => AuthConfig | undefined;
  /** Back-off delays (default 10 s doubling to 300 s, as the kubelet's). */
  backoff?: BackoffOptions;
}

const q = (s: string): string => JSON.stringify(s);

function pullPolicy(container: Obj, image: string): PullPolicy {
  const p = container['imagePullPolicy'];
  return p === 'Always' || p === 'IfNotPresent' || p === 'Never' ? p : defaultPullPolicy(image);
}

/** Image ids whose user is remembered at most; the oldest is forgotten beyond that. */
const USERS_KEPT = 256;

function userOf(img: Image): ImageUser {
  return { ...(img.uid ? { uid: Number(img.uid.value) } : {}), username: img.username };
}

function annotationsOf(pod: KObject): Record<string, string> {
  return { ...(pod.metadata?.annotations ?? {}) };
}

export function createImageService(opts: ImageOptions): ImageService {
  const now = opts.now ?? Date.now;
  const backoff = new PullBackoff(opts.backoff);
  const pulls = new SharedWork<PullOutcome>();
  const { cri, events } = opts;
  const users = new Map<string, ImageUser>();
  const remember = (img: Image | null): void => {
    if (!img?.id || users.has(img.id)) return;
    if (users.size >= USERS_KEPT) users.delete(users.keys().next().value ?? '');
    users.set(img.id, userOf(img));
  };

  /** The image id when the runtime has the image, else ''. Throws ImageInspectError. */
  async function presentId(
    pod: KObject,
    image: string,
    spec: ImageSpec,
    signal: AbortSignal,
  ): Promise<string> {
    try {
      const img = await cri.imageStatus(spec, { signal });
      remember(img);
      return img?.id ?? '';
    } catch (err) {
      if (signal.aborted) throw err;
      const msg = `Failed to inspect image ${q(image)}: ${runtimeMessage(err)}`;
      events(pod, 'Warning', 'InspectFailed', msg);
      throw new ContainerWaitingError('ImageInspectError', msg);
    }
  }

  async function credentials(pod: KObject, image: string, signal: AbortSignal): Promise<AuthConfig[]> {
    const { secrets, missing } = await readPullSecrets(opts.objects, pod, signal);
    if (missing.length > 0) {
      events(
        pod,
        'Warning',
        'FailedToRetrieveImagePullSecret',
        `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
      );
    }
    const ref = parseImageReference(image);
    return credentialsFor(secrets, repository(ref), ref.domain, opts.registryAuth);
  }

  return {
    async imageUser(imageRef, signal) {
      const known = users.get(imageRef);
      if (known) return known;
      const img = await cri.imageStatus({ image: imageRef }, { signal });
      if (!img) return { username: '' };
      remember(img);
      return users.get(img.id) ?? userOf(img);
    },

    async ensureImage(pod, container, signal) {
      const image = typeof container['image'] === 'string' ? container['image'] : '';
      let tagged: string;
      try {
        tagged = applyDefaultTag(image);
      } catch (err) {
        const msg = `Failed to apply default image tag ${q(image)}: ${(err as Error).message}`;
        events(pod, 'Warning', 'InspectFailed', msg);
        throw new ContainerWaitingError('InvalidImageName', msg);
      }
      const spec: ImageSpec = { image: tagged, annotations: annotationsOf(pod) };
      const policy = pullPolicy(container, image);
      if (policy !== 'Always') {
        const id = await presentId(pod, image, spec, signal);
        if (id !== '') {
          events(pod, 'Normal', 'Pulled', `Container image ${q(image)} already present on machine`);
          return id;
        }
        if (policy === 'Never') {
          const msg = `Container image ${q(image)} is not present with pull policy of Never`;
          events(pod, 'Warning', 'ErrImageNeverPull', msg);
          throw new ContainerWaitingError('ErrImageNeverPull', msg);
        }
      }

      const key = `${pod.metadata?.uid ?? ''}_${image}`;
      if (backoff.inBackoff(key, now())) {
        const msg = `Back-off pulling image ${q(image)}`;
        events(pod, 'Normal', 'BackOff', msg);
        throw new ContainerWaitingError('ImagePullBackOff', msg);
      }
      events(pod, 'Normal', 'Pulling', `Pulling image ${q(image)}`);
      const start = now();
      let outcome: PullOutcome;
      try {
        const creds = await credentials(pod, image, signal);
        const shareKey = `${tagged}\u0000${JSON.stringify(creds)}`;
        outcome = (await pulls.run(shareKey, signal, (s) => pullWithCredentials(cri, spec, creds, s, now)))
          .value;
      } catch (err) {
        if (signal.aborted) throw err;
        const msg = runtimeMessage(err);
        events(pod, 'Warning', 'Failed', `Failed to pull image ${q(image)}: ${msg}`);
        backoff.next(key, now());
        opts.log(
          `images: pull of ${image} for pod ${pod.metadata?.namespace}/${pod.metadata?.name} failed: ${msg}`,
        );
        throw new ContainerWaitingError('ErrImagePull', msg);
      }
      const total = formatDuration(Math.floor(Math.max(0, now() - start)));
      const pulled = formatDuration(Math.floor(Math.max(0, outcome.pullMs)));
      events(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image ${q(image)} in ${pulled} (${total} including waiting). Image size: ${outcome.size} bytes.`,
      );
      backoff.gc(now());
      return outcome.imageRef;
    },
  };
}
