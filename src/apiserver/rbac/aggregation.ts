/**
 * ClusterRole aggregation, written back: after ClusterRoles change, every ClusterRole with
 * an aggregationRule gets as `rules` the union the PolicyIndex resolves for it, so that
 * `kubectl get/describe clusterrole admin` shows what the role grants (as upstream's
 * clusterrole-aggregation controller does). The authorizer does not wait for this: it
 * resolves aggregation itself. Writes go through the registry as system:apiserver and
 * are skipped when nothing changed, so several API servers agree without fighting.
 */
import { updateObject } from '../../registry/generic/write.js';
import type { Registry } from '../../registry/registry.js';
import type { RequestContext } from '../../registry/types.js';
import type { PolicyIndex } from './policy-index.js';
import { RBAC_GROUP } from './rules.js';

const SYSTEM: RequestContext = {
  user: { name: 'system:apiserver', groups: ['system:masters'] },
  dryRun: false,
  warnings: [],
};
const DELAY_MS = 20;
const MAX_RETRIES = 5;

export class RoleAggregator {
  private scheduled = false;
  private running: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly registry: Registry,
    private readonly index: PolicyIndex,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** Asks for a pass soon (many changes in a row make one pass). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.running = (this.running ?? Promise.resolve()).then(() => this.pass());
    }, DELAY_MS).unref();
  }

  /** One pass over the aggregated ClusterRoles; resolves when their rules are written. */
  async pass(): Promise<void> {
    const store = this.registry.get(RBAC_GROUP, 'v1', 'clusterroles');
    if (!store) return;
    try {
      for (const role of store.cache.list(store.keyPrefix(''))) {
        if (!role['aggregationRule']) continue;
        const name = role.metadata?.name ?? '';
        const rules = this.index.rulesOf({ kind: 'ClusterRole', name }, '') ?? [];
        if (JSON.stringify(role['rules'] ?? []) === JSON.stringify(rules)) continue;
        await updateObject(store, SYSTEM, '', name, {
          subresource: '',
          createIfMissing: false,
          requireResourceVersion: false,
          apply: (cur) => (cur ? { ...cur, rules } : (cur ?? {})),
        });
      }
      this.failures = 0;
    } catch (err) {
      // A role deleted or changed under us: the change that caused it schedules a new pass.
      this.log(`clusterrole aggregation: ${(err as Error).message}`);
      if (++this.failures <= MAX_RETRIES) this.schedule();
    }
  }
}
