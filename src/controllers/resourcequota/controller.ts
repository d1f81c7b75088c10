/**
 * The ResourceQuota controller: writes each quota's status (hard: its spec.hard, used:
 * what the objects of its namespace use of each of those resources, by the accounting
 * admission charges with, in registry/admission/quota-usage.ts). It recounts when a
 * quota's spec changes, when objects are deleted or change what they use (a pod that
 * finishes gives its usage back), and every five minutes. It does not recount on creates:
 * admission has charged them already, and a count from a cache that has not seen an
 * admitted create yet would hand out the same room twice. A resource gets an informer
 * the first time a quota names something of it (`pods`, `requests.cpu`,
 * `count/<resource>.<group>`...): a cluster without quotas decodes no events for them.
 */
import {
  add,
  canonical,
  fromResourceList,
  type ResourceList,
  toResourceList,
  zero,
} from '../../api/quantity/index.js';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { splitKey } from '../../client/cache.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { quotaCovers, tracks, usageOf } from '../../registry/admission/quota-usage.js';
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';

type Obj = Record<string, unknown>;

const RESYNC_MS = 5 * 60_000;
const UNSYNCED_RECHECK_MS = 200;
const CORE: readonly ResourceInfo[] = [
  'pods',
  'services',
  'configmaps',
  'secrets',
  'persistentvolumeclaims',
  'replicationcontrollers',
  'resourcequotas',
].map((plural) => {
  const info = RESOURCES.find((r) => r.group === '' && r.plural === plural);
  if (!info) throw new Error(`resourcequota: unknown core resource ${plural}`);
  return info;
});

interface Counted {
  info: ResourceInfo;
  informer: Informer;
}

/** The resource a `count/<plural>[.<group>]` name counts. */
export function countedResource(name: string): ResourceInfo | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  const plural = dot < 0 ? rest : rest.slice(0, dot);
  const group = dot < 0 ? '' : rest.slice(dot + 1);
  return RESOURCES.find(
    (r) => r.group === group && r.plural === plural && r.namespaced && r.verbs.includes('list'),
  );
}

export class ResourceQuotaController extends QueueController {
  readonly name = 'resourcequota';
  private readonly quotas: Informer;
  private readonly counted = new Map<string, Counted>();

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
    this.quotas = ctx.informers.informer('', 'v1', 'resourcequotas');
    this.quotas.addHandler({
      onAdd: (q) => this.enqueue(q),
      onUpdate: (old, q) => {
        if (
          !deepEqual(old['spec'], q['spec']) ||
          !deepEqual(hardOf(q), (q['status'] as Obj | undefined)?.['hard'])
        )
          this.enqueue(q);
      },
    });
  }

  /** Watches a resource whose objects quotas count (once). */
  private count(info: ResourceInfo): Counted {
    const id = `${info.group}/${info.plural}`;
    let c = this.counted.get(id);
    if (c) return c;
    const informer = this.ctx.informers.informer(info.group, info.version, info.plural);
    c = { info, informer };
    this.counted.set(id, c);
    const changed = (old: KObject, o: KObject) => {
      const now = this.ctx.now();
      if (
        !deepEqual(
          fromResourceList(usageOf(info.plural, info.group, old, now)),
          fromResourceList(usageOf(info.plural, info.group, o, now)),
        )
      )
        this.enqueueQuotas(o.metadata?.namespace ?? '');
    };
    informer.addHandler({
      onUpdate: changed,
      onDelete: (o) => this.enqueueQuotas(o.metadata?.namespace ?? ''),
    });
    return c;
  }

  private enqueueQuotas(namespace: string): void {
    for (const q of this.quotas.cache.byIndex('namespace', namespace)) this.enqueue(q);
  }

  protected async sync(key: string): Promise<void> {
    const quota = this.quotas.cache.get(key);
    if (!quota) return;
    const { namespace } = splitKey(key);
    const hard = toResourceList((quota['spec'] as Obj | undefined)?.['hard']);
    const used: ResourceList = new Map();
    const sources = new Set<Counted>();
    for (const name of hard.keys()) {
      used.set(name, zero(hard.get(name)!.format));
      const counted = countedResource(name);
      if (counted) sources.add(this.count(counted));
      for (const info of CORE) if (tracks(name, info.plural, info.group)) sources.add(this.count(info));
    }
    if ([...sources].some((c) => !c.informer.hasSynced)) {
      this.queue.addAfter(key, UNSYNCED_RECHECK_MS);
      return;
    }
    const now = this.ctx.now();
    for (const c of sources) {
      for (const obj of c.informer.cache.byIndex('namespace', namespace)) {
        if (!quotaCovers(quota, c.info.plural, c.info.group, obj)) continue;
        for (const [k, v] of usageOf(c.info.plural, c.info.group, obj, now)) {
          const cur = used.get(k);
          if (cur) used.set(k, add(cur, v));
        }
      }
    }
    const status = { hard: hardOf(quota), used: fromResourceList(used) };
    this.queue.addAfter(key, RESYNC_MS);
    if (deepEqual(quota['status'], status)) return;
    try {
      await this.ctx.client.resource('', 'v1', 'resourcequotas').updateStatus({ ...quota, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** spec.hard with canonical quantities, as status.hard shows it. */
function hardOf(quota: KObject): Record<string, string> {
  const hard = ((quota['spec'] as Obj | undefined)?.['hard'] ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of Object.keys(hard).sort()) out[k] = canonical(hard[k]);
  return out;
}
