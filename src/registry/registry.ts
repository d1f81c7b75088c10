/**
 * The registry: one generic store per served resource over one storage, sharing one set
 * of watch caches, plus the admission that every write passes (namespace lifecycle:
 * objects go only into namespaces that exist and are not terminating; then
 * DefaultStorageClass, LimitRanger and ResourceQuota, in ./admission/), and the
 * allocation of Services' ClusterIPs and NodePorts (./services/) at the start of their writes.
 */
import { ApiError, Errors } from '../apiserver/errors.js';
import type { Store } from '../storage/types.js';
import { admitResources } from './admission/admit.js';
import { admitDefaultStorageClass } from './admission/default-storage-class.js';
import { CacheSet } from './cache/cache-set.js';
import { GenericStore, type StoreEnv } from './generic/store.js';
import { resourceDefs } from './resources/index.js';
import { ServiceAllocator } from './services/allocator.js';
import { parseServiceRanges, type ServiceRanges } from './services/config.js';
import type { KObject, RequestContext, ResourceDef } from './types.js';

export const REGISTRY_ROOT = '/registry/';

export class Registry {
  private readonly stores = new Map<string, GenericStore>();
  readonly caches: CacheSet;
  private namespaces!: GenericStore;
  /** ClusterIP and NodePort allocation for Services. */
  readonly services: ServiceAllocator;
  /** ServiceAccount admission refuses pods whose account does not exist (./admission/). */
  readonly requireServiceAccounts: boolean;

  constructor(
    readonly storage: Store,
    opts: {
      now?: () => number;
      log?: (m: string) => void;
      serviceRanges?: ServiceRanges;
      requireServiceAccounts?: boolean;
    } = {},
  ) {
    this.requireServiceAccounts = opts.requireServiceAccounts ?? false;
    this.caches = new CacheSet(storage, REGISTRY_ROOT, { log: opts.log ?? (() => {}) });
    const env: StoreEnv = {
      store: storage,
      caches: this.caches,
      now: opts.now ?? Date.now,
      admit: (op, def, obj, old, ctx) => this.admit(op, def, obj, old, ctx),
      begin: async (_op, def, obj, old, subresource) =>
        def.info.group === '' && def.info.plural === 'services'
          ? this.services.begin(obj, old, subresource)
          : undefined,
    };
    for (const def of resourceDefs()) {
      const s = new GenericStore(def, env);
      this.stores.set(`${def.info.group}/${def.info.version}/${def.info.plural}`, s);
    }
    this.namespaces = this.get('', 'v1', 'namespaces')!;
    this.services = new ServiceAllocator({
      store: storage,
      caches: this.caches,
      cache: this.get('', 'v1', 'services')!.cache,
      ranges: opts.serviceRanges ?? parseServiceRanges(),
      log: opts.log ?? (() => {}),
    });
  }

  get(group: string, version: string, plural: string): GenericStore | undefined {
    return this.stores.get(`${group}/${version}/${plural}`);
  }

  all(): GenericStore[] {
    return [...this.stores.values()];
  }

  /** Loads the watch caches, then the Service address index built from them. */
  async start(signal: AbortSignal): Promise<void> {
    await this.caches.start(signal);
    this.services.start(signal);
  }

  /** NamespaceLifecycle: namespaced objects are created only in live namespaces. */
  private async admit(
    op: 'create' | 'update',
    def: ResourceDef,
    obj: KObject,
    _old: KObject | undefined,
    ctx?: RequestContext,
  ): Promise<void> {
    await this.admitNamespace(op, def, obj);
    admitDefaultStorageClass(this.get('storage.k8s.io', 'v1', 'storageclasses'), op, def, obj);
    await admitResources(this, op, def, obj, ctx);
  }

  private async admitNamespace(op: 'create' | 'update', def: ResourceDef, obj: KObject): Promise<void> {
    if (op !== 'create' || !def.info.namespaced) return;
    const ns = obj.metadata?.namespace ?? '';
    const cached = this.namespaces.cache.objects.get(this.namespaces.key('', ns));
    let nsObj: KObject | undefined = cached;
    if (!nsObj) {
      try {
        nsObj = await this.namespaces.get('', ns);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404)
          throw Errors.notFound({ group: '', resource: 'namespaces' }, ns);
        throw err;
      }
    }
    if (nsObj.metadata?.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${def.info.plural}${def.info.group ? `.${def.info.group}` : ''} "${obj.metadata?.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        {
          name: obj.metadata?.name ?? '',
          group: def.info.group,
          kind: def.info.plural,
          causes: [
            {
              type: 'NamespaceTerminating',
              field: 'metadata.namespace',
              message: `namespace ${ns} is being terminated`,
            },
          ],
        },
      );
    }
  }
}
