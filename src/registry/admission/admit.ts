/**
 * Resource admission on create, after namespace lifecycle: ServiceAccount (pods get their
 * service account and API access volume, ./service-account.ts; the account must exist when
 * the registry requires it, and mirror pods may reference none, ./service-account-lookup.ts), LimitRanger (default requests
 * and limits of a pod's containers, then min/max/ratio checks of pods and claims) and
 * ResourceQuota (a create that would take a quota past its hard limits is refused with
 * 403 Forbidden; otherwise the charge is written to the quota's status.used before the
 * object is stored, so that concurrent creates see each other). Reads LimitRanges and
 * quotas from the registry's watch caches and writes quota status through the generic
 * store with compare-and-swap. Updates are not charged. A dry run checks without charging.
 */
import { fromResourceList, type ResourceList, toResourceList } from '../../api/quantity/index.js';
import { ApiError } from '../../apiserver/errors.js';
import type { GenericStore } from '../generic/store.js';
import { updateObject } from '../generic/write.js';
import type { KObject, RequestContext, ResourceDef } from '../types.js';
import { aggregate, applyPodDefaults, validateClaimLimits, validatePodLimits } from './limit-range.js';
import { charge, podConstraintError, quotaCovers, tracks, usageOf } from './quota-usage.js';
import { admitPodServiceAccount, serviceAccountOf } from './service-account.js';
import {
  findServiceAccount,
  lookupError,
  MIRROR_ANNOTATION,
  mirrorPodProblem,
} from './service-account-lookup.js';

/** What admission needs from the registry: its stores. */
export interface AdmissionStores {
  get(group: string, version: string, plural: string): GenericStore | undefined;
  /** Refuse pods whose ServiceAccount does not exist (upstream always does). */
  readonly requireServiceAccounts?: boolean;
}

type Obj = Record<string, unknown>;

const SYSTEM: RequestContext = {
  user: { name: 'system:apiserver', groups: ['system:masters'] },
  dryRun: false,
  warnings: [],
};

function forbidden(def: ResourceDef, obj: KObject, why: string): ApiError {
  const { group, plural } = def.info;
  const name = obj.metadata?.name || obj.metadata?.generateName || '';
  return new ApiError(
    403,
    'Forbidden',
    `${group ? `${plural}.${group}` : plural} "${name}" is forbidden: ${why}`,
    {
      name,
      group,
      kind: plural,
    },
  );
}

function inNamespace(store: GenericStore | undefined, ns: string): KObject[] {
  return store ? store.cache.list(store.keyPrefix(ns)) : [];
}

/** Runs LimitRanger and ResourceQuota on a create of a namespaced object. */
export async function admitResources(
  stores: AdmissionStores,
  op: 'create' | 'update',
  def: ResourceDef,
  obj: KObject,
  ctx: RequestContext | undefined,
): Promise<void> {
  if (op !== 'create' || !def.info.namespaced) return;
  const ns = obj.metadata?.namespace ?? '';
  const { group, plural } = def.info;
  if (group === '' && plural === 'pods') await admitServiceAccount(stores, def, obj, ns);
  if (group === '' && (plural === 'pods' || plural === 'persistentvolumeclaims')) {
    const ranges = inNamespace(stores.get('', 'v1', 'limitranges'), ns);
    if (ranges.length > 0) {
      if (plural === 'pods') applyPodDefaults(obj, ranges);
      const errs = plural === 'pods' ? validatePodLimits(obj, ranges) : validateClaimLimits(obj, ranges);
      if (errs.length > 0) throw forbidden(def, obj, aggregate(errs));
    }
  }
  await chargeQuotas(stores, def, obj, ns, ctx?.dryRun ?? false);
}

/** ServiceAccount admission: mirror pods are checked, others get their account (which must exist). */
async function admitServiceAccount(stores: AdmissionStores, def: ResourceDef, obj: KObject, ns: string) {
  if (obj.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
    const problem = mirrorPodProblem(obj);
    if (problem) throw forbidden(def, obj, problem);
    return;
  }
  const accounts = stores.get('', 'v1', 'serviceaccounts');
  const name = serviceAccountOf(obj);
  let account = accounts?.cache.objects.get(accounts.key(ns, name));
  if (!account && accounts && stores.requireServiceAccounts) {
    account = await findServiceAccount(accounts, ns, name);
    if (!account) throw forbidden(def, obj, lookupError(ns, name));
  }
  admitPodServiceAccount(obj, account);
}

function statusLists(quota: KObject): { hard: ResourceList; used: ResourceList } {
  const status = (quota['status'] ?? {}) as Obj;
  return { hard: toResourceList(status['hard']), used: toResourceList(status['used']) };
}

async function chargeQuotas(
  stores: AdmissionStores,
  def: ResourceDef,
  obj: KObject,
  ns: string,
  dryRun: boolean,
): Promise<void> {
  const store = stores.get('', 'v1', 'resourcequotas');
  const quotas = inNamespace(store, ns);
  if (!store || quotas.length === 0) return;
  const { group, plural } = def.info;
  const delta = usageOf(plural, group, obj, store.env.now());
  if (delta.size === 0) return;
  const charged: string[] = [];
  for (const quota of quotas) {
    if (!quotaCovers(quota, plural, group, obj)) continue;
    const { hard, used } = statusLists(quota);
    const restricted = [...hard.keys()].filter((k) => tracks(k, plural, group));
    if (restricted.length === 0) continue;
    const name = quota.metadata?.name ?? '';
    if (group === '' && plural === 'pods') {
      const missing = podConstraintError(obj, restricted);
      if (missing) throw forbidden(def, obj, `failed quota: ${name}: ${missing}`);
    }
    const unknown = restricted.filter((k) => !used.has(k));
    if (unknown.length > 0) {
      throw forbidden(def, obj, `status unknown for quota: ${name}, resources: ${unknown.sort().join(',')}`);
    }
    const check = charge(name, hard, used, delta);
    if (check.exceeded) throw forbidden(def, obj, check.exceeded);
    charged.push(name);
  }
  if (dryRun) return;
  for (const name of charged) {
    try {
      await updateObject(store, SYSTEM, ns, name, {
        subresource: 'status',
        createIfMissing: false,
        requireResourceVersion: false,
        // Re-checked against the stored quota: a concurrent create may have charged it.
        apply: (current) => {
          if (!current) return store.notFound(name);
          const { hard, used } = statusLists(current);
          const check = charge(name, hard, used, delta);
          if (check.exceeded) throw forbidden(def, obj, check.exceeded);
          const status = (current['status'] ?? {}) as Obj;
          current['status'] = {
            ...status,
            used: { ...(status['used'] as Obj), ...fromResourceList(check.used) },
          };
          // Unpinned, so a lost compare-and-swap re-reads and re-checks instead of failing.
          delete current.metadata!.resourceVersion;
          return current;
        },
      });
    } catch (err) {
      // A quota deleted meanwhile limits nothing.
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
