/**
 * The environment EnvService last resolved for a container object, so that mounts() can
 * expand a volumeMount's subPathExpr against the same variables the container gets (as
 * the kubelet does) without fetching anything. Keyed weakly by the container object; holds
 * nothing else.
 */
import type { KeyValue } from '../cri/types.js';
import type { Obj } from '../pods/deps.js';

const memo = new WeakMap<Obj, KeyValue[]>();

export function rememberEnv(container: Obj, env: KeyValue[]): void {
  memo.set(container, env);
}

export function recalledEnv(container: Obj): KeyValue[] | undefined {
  return memo.get(container);
}
