/**
 * What namespace deletion works through and what it reports: the namespaced resources
 * whose objects a terminating namespace must lose (every listable, deletable namespaced
 * kind, one version each), and the status conditions that say how far deletion got
 * (NamespaceDeletionContentFailure, NamespaceContentRemaining, NamespaceFinalizersRemaining
 * and the two discovery conditions, with upstream's reasons and messages). Pure.
 */
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';

/** Namespaced resources whose objects a namespace's deletion removes. */
export function namespacedResources(): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of RESOURCES) {
    const id = `${r.group}/${r.plural}`;
    if (!r.namespaced || seen.has(id)) continue;
    if (!r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
    seen.add(id);
    out.push(r);
  }
  return out;
}

/** What one pass of content deletion found. */
export interface DeletionReport {
  /** `plural.group` (core: `pods.`) -> objects still present. */
  remaining: Map<string, number>;
  /** finalizer -> objects still holding it. */
  finalizers: Map<string, number>;
  /** Failures of deletes or lists. */
  errors: string[];
}

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

const OK: Record<string, [reason: string, message: string]> = {
  NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: [
    'ParsedGroupVersions',
    'All legacy kube types successfully parsed',
  ],
  NamespaceDeletionContentFailure: [
    'ContentDeleted',
    'All content successfully deleted, may be waiting on finalization',
  ],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
};

function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
}

/** The failing conditions a report gives (type -> [reason, message]). */
function failing(report: DeletionReport): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  if (report.errors.length > 0) {
    out.set('NamespaceDeletionContentFailure', [
      'ContentDeletionFailed',
      `Failed to delete all resource types, ${report.errors.length} remaining: ${aggregate(report.errors)}`,
    ]);
  }
  if (report.remaining.size > 0) {
    const parts = [...report.remaining.entries()].map(([r, n]) => `${r} has ${n} resource instances`).sort();
    out.set('NamespaceContentRemaining', [
      'SomeResourcesRemain',
      `Some resources are remaining: ${parts.join(', ')}`,
    ]);
  }
  if (report.finalizers.size > 0) {
    const parts = [...report.finalizers.entries()].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    out.set('NamespaceFinalizersRemaining', [
      'SomeFinalizersRemain',
      `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`,
    ]);
  }
  return out;
}

/**
 * The namespace's conditions after a deletion pass: one per deletion condition type, True
 * with the failure when the report shows one, False with the all-clear otherwise; a
 * condition keeps its lastTransitionTime unless its status changes. Other conditions stay.
 */
export function namespaceConditions(
  prev: NamespaceCondition[],
  report: DeletionReport,
  now: string,
): NamespaceCondition[] {
  const bad = failing(report);
  const out = prev.filter((c) => !(c.type in OK));
  for (const [type, [okReason, okMessage]] of Object.entries(OK)) {
    const f = bad.get(type);
    const status = f ? 'True' : 'False';
    const old = prev.find((c) => c.type === type);
    out.push({
      type,
      status,
      lastTransitionTime:
        old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
      reason: f ? f[0] : okReason,
      message: f ? f[1] : okMessage,
    });
  }
  return out;
}
