/**
 * Pods: the decoding check of quantities, defaults, the Pending status a new pod starts
 * with (with its QoS class), validation of containers and their resources, the narrow set of spec fields an update may change, and
 * graceful deletion of pods that are on a node.
 */

import { findResource } from '../../../api/resources.js';
import type { FieldError } from '../../../api/validation/index.js';
import { deepEqual } from '../../../util/deep-equal.js';
import { specStatus } from '../../strategies/generic.js';
import type { KObject, ResourceDef } from '../../types.js';
import { validateContainers } from './containers.js';
import { defaultPodSpec, isObj } from './pod-defaults.js';
import { POD_PRINTER } from './pod-printer.js';
import { checkQuantities } from './quantity-fields.js';
import { validatePodSpecResources } from './resource-validation.js';

type Obj = Record<string, unknown>;

/** Guaranteed, Burstable or BestEffort, from the containers' requests and limits. */
export function qosClass(spec: Obj | undefined): string {
  const containers = [
    ...((spec?.['containers'] as Obj[]) ?? []),
    ...((spec?.['initContainers'] as Obj[]) ?? []),
  ];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = (c['resources'] ?? {}) as { requests?: Obj; limits?: Obj };
    const req = res.requests ?? {};
    const lim = res.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validatePod(obj: KObject): FieldError[] {
  const spec = obj['spec'];
  if (typeof spec !== 'object' || spec === null)
    return [{ type: 'FieldValueRequired', field: 'spec', detail: '' }];
  return [...validateContainers(spec as Obj, 'spec'), ...validatePodSpecResources(spec as Obj, 'spec')];
}

/** Fields of a pod's spec an update may change (upstream's list, in its order). */
const MUTABLE =
  'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const MIRROR = 'kubernetes.io/config.mirror';

function validatePodUpdate(obj: KObject, old: KObject): FieldError[] {
  // A pod does not become, or stop being, the mirror of a static pod.
  const mirror = obj.metadata?.annotations?.[MIRROR] ?? '';
  if (mirror !== (old.metadata?.annotations?.[MIRROR] ?? ''))
    return [
      {
        type: 'FieldValueInvalid',
        field: `metadata.annotations.${MIRROR}`,
        value: mirror,
        detail: 'field is immutable',
      },
    ];
  const spec = (o: KObject) => (o['spec'] ?? {}) as Obj;
  if (equalOutside(spec(obj), spec(old), MUTABLE_SPEC, sameSpecField)) return [];
  return [{ type: 'FieldValueForbidden', field: 'spec', detail: MUTABLE.slice('spec: Forbidden: '.length) }];
}

/** The spec fields an update may change (besides the containers' images). */
const MUTABLE_SPEC: ReadonlySet<string> = new Set([
  'activeDeadlineSeconds',
  'tolerations',
  'terminationGracePeriodSeconds',
]);
const IMAGE: ReadonlySet<string> = new Set(['image']);

/**
 * Whether `a` and `b` are equal but for their top-level keys in `skip`, each other key's
 * values compared by `same` (deep equality by default); no copies are made. Keys holding
 * undefined count as absent, as in deepEqual.
 */
function equalOutside(
  a: Obj,
  b: Obj,
  skip: ReadonlySet<string>,
  same: (key: string, x: unknown, y: unknown) => boolean = (_k, x, y) => deepEqual(x, y),
): boolean {
  if (a === b) return true;
  for (const k in a) if (!skip.has(k) && !same(k, a[k], b[k])) return false;
  for (const k in b) if (!skip.has(k) && !(k in a) && !same(k, undefined, b[k])) return false;
  return true;
}

/** One spec field of a pod update: containers may change their images, nothing else. */
function sameSpecField(key: string, x: unknown, y: unknown): boolean {
  if ((key !== 'containers' && key !== 'initContainers') || !Array.isArray(x) || !Array.isArray(y))
    return deepEqual(x, y);
  if (x.length !== y.length) return false;
  return x.every((c, i) => {
    const d: unknown = y[i];
    return isObj(c) && isObj(d) ? equalOutside(c, d, IMAGE) : deepEqual(c, d);
  });
}

/**
 * The DefaultTolerationSeconds admission plugin: a new pod tolerates the `not-ready` and
 * `unreachable` NoExecute taints for 300 s unless it already tolerates them, so that its
 * node's brief outages do not evict it at once. Create only.
 */
export function addDefaultTolerations(spec: Obj | undefined): void {
  if (!spec) return;
  const tolerations = Array.isArray(spec['tolerations']) ? (spec['tolerations'] as Obj[]) : [];
  const covers = (key: string) =>
    tolerations.some((t) => (t['key'] === key || !t['key']) && (t['effect'] === 'NoExecute' || !t['effect']));
  const added: Obj[] = [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!covers(key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  if (added.length > 0) spec['tolerations'] = [...tolerations, ...added];
}

export function podsDef(): ResourceDef {
  return specStatus(findResource('', 'v1', 'pods')!, {
    defaults: (obj) => {
      checkQuantities('Pod', 'v1', obj);
      defaultPodSpec(obj['spec']);
    },
    prepareForCreate: (obj) => addDefaultTolerations(obj['spec'] as Obj | undefined),
    initialStatus: (obj) => ({ phase: 'Pending', qosClass: qosClass(obj['spec'] as Obj) }),
    validate: validatePod,
    validateUpdate: validatePodUpdate,
    gracePeriod(obj, requested) {
      const spec = (obj['spec'] ?? {}) as Obj;
      const phase = (obj['status'] as Obj | undefined)?.['phase'];
      // Pods not on a node, or already finished, have nothing to stop: they go at once.
      if (!spec['nodeName'] || phase === 'Succeeded' || phase === 'Failed') return 0;
      const g = requested ?? (spec['terminationGracePeriodSeconds'] as number | undefined) ?? 30;
      return Math.max(0, g);
    },
    printer: POD_PRINTER,
  });
}
