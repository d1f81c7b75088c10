/**
 * The annotations that tie a static pod (one the kubelet reads from a manifest file) to
 * its mirror pod in the API, as upstream's kubelet names them. Pure.
 */
import type { KObject } from '../../registry/types.js';

/** Where the kubelet got the pod: `file` for manifests from --pod-manifest-path. */
export const CONFIG_SOURCE = 'kubernetes.io/config.source';
/** The static pod's hash (also its uid). */
export const CONFIG_HASH = 'kubernetes.io/config.hash';
/** When this kubelet first saw the manifest. */
export const CONFIG_SEEN = 'kubernetes.io/config.seen';
/** On a mirror pod: the hash of the static pod it mirrors. */
export const CONFIG_MIRROR = 'kubernetes.io/config.mirror';

/** The hash of the static pod `pod` mirrors, or undefined when it is not a mirror pod. */
export function mirrorHash(pod: KObject): string | undefined {
  const v = pod.metadata?.annotations?.[CONFIG_MIRROR];
  return typeof v === 'string' ? v : undefined;
}

/** True when `mirror` is the mirror pod of the static pod `pod` (the hashes agree). */
export function isMirrorOf(mirror: KObject, pod: KObject): boolean {
  const hash = mirrorHash(mirror);
  return hash !== undefined && hash === pod.metadata?.annotations?.[CONFIG_HASH];
}
