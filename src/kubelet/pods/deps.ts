/**
 * What the pod worker needs from the kubelet's other parts, as interfaces, so that each
 * part lives in its own folder and can be tested alone: images (../images), volumes and
 * environment (../volumes), probes (../probes), and the objects pods refer to
 * (ConfigMaps, Secrets, PVCs...), read through the API server.
 */
import type { KObject } from '../../registry/types.js';
import type { CriClient } from '../cri/client.js';
import type { KeyValue, Mount } from '../cri/types.js';

export type Obj = Record<string, unknown>;

/**
 * Why a container cannot be created or started yet: becomes the container's
 * `state.waiting` (reason, message) and an Event. Reasons as the kubelet's:
 * ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName,
 * CreateContainerConfigError, CreateContainerError, RunContainerError.
 */
export class ContainerWaitingError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A volume of the pod could not be set up (an Event with reason FailedMount). */
export class VolumeSetupError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads objects pods refer to. Absent objects are `undefined`; other failures throw. */
export interface ObjectSource {
  get(
    resource: 'configmaps' | 'secrets' | 'persistentvolumeclaims' | 'persistentvolumes' | 'serviceaccounts',
    namespace: string | undefined,
    name: string,
    signal?: AbortSignal,
  ): Promise<KObject | undefined>;
}

/** Records an Event about an object (the pod), as `kubectl describe` shows it. */
export type EventSink = (obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** ../images: pulls what a container needs, by its imagePullPolicy. */
export interface ImageService {
  /**
   * Makes the container's image present according to its imagePullPolicy (pulling with
   * the pod's imagePullSecrets when needed, with back-off after failures) and returns the
   * image reference to run (the image id). Throws ContainerWaitingError (ErrImagePull,
   * ImagePullBackOff, ErrImageNeverPull, InvalidImageName).
   */
  ensureImage(pod: KObject, container: Obj, signal: AbortSignal): Promise<string>;
  /**
   * The user an image (by the id ensureImage returned) runs as: its numeric uid when the
   * image names one, else its user name ('' when unset). Asks the runtime at most once per
   * image id (an id names the image's config, so its user never changes). An image the
   * runtime does not have has no known user (username ''); a failed look-up throws.
   */
  imageUser(imageRef: string, signal: AbortSignal): Promise<ImageUser>;
}

export interface ImageUser {
  uid?: number;
  username: string;
}

/** Host paths of a pod's volumes, by volume name. */
export interface PodVolumes {
  paths: Map<string, { hostPath: string; readOnly: boolean }>;
}

/** ../volumes: volumes on the host and what containers see of them. */
export interface VolumeService {
  /** Sets up (or refreshes) every volume of the pod; throws VolumeSetupError. */
  setUp(pod: KObject, signal: AbortSignal): Promise<PodVolumes>;
  /** The CRI mounts of `container` (volumeMounts with subPath, readOnly; /etc/hosts etc. are not here). */
  mounts(pod: KObject, container: Obj, volumes: PodVolumes): Mount[];
  /** Removes what setUp made for the pod (not hostPath or persistent data). */
  tearDown(podUid: string): Promise<void>;
}

/** ../volumes (env.ts): the environment of a container. */
export interface EnvService {
  /**
   * env and envFrom resolved (value, fieldRef, resourceFieldRef, configMapKeyRef,
   * secretKeyRef, optional), plus the service environment variables when
   * enableServiceLinks is not false. Throws ContainerWaitingError
   * (CreateContainerConfigError) when a required reference is missing.
   */
  resolve(pod: KObject, container: Obj, signal: AbortSignal): Promise<KeyValue[]>;
}

/** The running container a probe worker watches. */
export interface ProbeTarget {
  podUid: string;
  containerName: string;
  containerId: string;
  /** When the container started (ms since epoch); initialDelaySeconds counts from here. */
  startedAt: number;
}

/** ../probes: liveness, readiness and startup probes of running containers. */
export interface ProbeService {
  /**
   * Called whenever the pod worker has looked at a pod: starts probe workers for the
   * running containers given (keyed by container id) and stops the others of this pod.
   */
  sync(pod: KObject, podIP: string, running: ProbeTarget[]): void;
  /** Stops every worker of the pod. */
  removePod(podUid: string): void;
  /** Readiness of the container: true without a readiness probe once started. */
  isReady(podUid: string, containerName: string, containerId: string): boolean;
  /** Started: true without a startup probe. */
  isStarted(podUid: string, containerName: string, containerId: string): boolean;
}

/** Told by ../probes when a liveness or startup probe failed for good: the container is restarted. */
export type ProbeFailureHandler = (
  podUid: string,
  containerName: string,
  containerId: string,
  probe: 'liveness' | 'startup',
  message: string,
) => void;

/** What every part may use. */
export interface KubeletParts {
  cri: CriClient;
  objects: ObjectSource;
  events: EventSink;
  log: (msg: string) => void;
}
