/**
 * Which resources the garbage collector watches (every stored kind that can own or be
 * owned: all listable, watchable, deletable resources, one version per kind, except
 * Events, which churn and own nothing) and how an owner reference's apiVersion and kind
 * resolve to a resource. Pure.
 */
import { parseApiVersion, RESOURCES, type ResourceInfo, type Verb } from '../../api/resources.js';

const NEEDED: Verb[] = ['list', 'watch', 'delete', 'patch'];

const SKIPPED = new Set(['/events', 'events.k8s.io/events']);

/** `group/plural`: one id per kind, whichever version serves it. */
export function resourceId(r: { group: string; plural: string }): string {
  return `${r.group}/${r.plural}`;
}

/** The resources the collector watches, the preferred (first) version of each kind. */
export function collectedResources(): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of RESOURCES) {
    const id = resourceId(r);
    if (seen.has(id) || SKIPPED.has(id)) continue;
    if (!NEEDED.every((v) => r.verbs.includes(v))) continue;
    seen.add(id);
    out.push(r);
  }
  return out;
}

/** The resource of an owner reference: its kind in its group (any served version). */
export function resolveKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return (
    RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind) ??
    RESOURCES.find((r) => r.group === group && r.kind === kind)
  );
}
