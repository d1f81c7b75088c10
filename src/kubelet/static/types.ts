/**
 * What the pod worker asks of the static pods: the pods the kubelet runs from manifest
 * files rather than from the API, by uid and by name, and a way to hear about changes.
 */
import type { KObject } from '../../registry/types.js';

export interface StaticPodSource {
  /** The static pod with this uid (its config hash), if a manifest describes it now. */
  get(uid: string): KObject | undefined;
  /** The static pod with this namespace and (generated) name. */
  byName(namespace: string, name: string): KObject | undefined;
  /** Every static pod now. */
  list(): KObject[];
  /** Calls `fn` with the uid of every static pod that appears, changes or goes away. */
  subscribe(fn: (uid: string) => void): void;
}
