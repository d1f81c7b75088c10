/**
 * The RBAC objects in memory, indexed for the authorizer: Roles and ClusterRoles by name,
 * ClusterRoleBindings and RoleBindings by subject (`u:<user>` / `g:<group>`, a
 * ServiceAccount subject under its user name), so a request looks at the bindings of its
 * user and groups only. Aggregated ClusterRoles are resolved when read: their rules are
 * the union of the rules of every ClusterRole their selectors pick (transitively), memoised
 * until a ClusterRole changes. Pure: fed with objects by ./feed.ts; never writes.
 */

import type { LabelSelector } from '../../api/selectors/label-selector.js';
import { labelSelectorFromObject } from '../../api/selectors/label-selector-object.js';
import type { KObject } from '../../registry/types.js';
import { type PolicyRule, type Subject, subjectKey } from './rules.js';

export type PolicyKind = 'roles' | 'rolebindings' | 'clusterroles' | 'clusterrolebindings';
export const POLICY_KINDS: readonly PolicyKind[] = [
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
];

export interface RoleRef {
  apiGroup?: string;
  kind: string;
  name: string;
}

/** A binding as the index keeps it. */
export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace: string;
  name: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

const nsName = (o: KObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function toBinding(o: KObject, kind: Binding['kind']): Binding {
  const ref = (o['roleRef'] ?? {}) as Partial<RoleRef>;
  return {
    kind,
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    roleRef: { kind: ref.kind ?? '', name: ref.name ?? '', apiGroup: ref.apiGroup ?? '' },
    subjects: Array.isArray(o['subjects']) ? (o['subjects'] as Subject[]) : [],
  };
}

/** Bindings of one kind with their subject index (the index key includes the namespace). */
class BindingSet {
  private readonly byKey = new Map<string, Binding>();
  private readonly bySubject = new Map<string, Set<string>>();

  constructor(private readonly kind: Binding['kind']) {}

  clear(): void {
    this.byKey.clear();
    this.bySubject.clear();
  }

  put(o: KObject): void {
    const key = nsName(o);
    this.remove(o);
    const b = toBinding(o, this.kind);
    this.byKey.set(key, b);
    for (const k of this.keysOf(b)) {
      let set = this.bySubject.get(k);
      if (!set) {
        set = new Set();
        this.bySubject.set(k, set);
      }
      set.add(key);
    }
  }

  remove(o: KObject): void {
    const key = nsName(o);
    const old = this.byKey.get(key);
    if (!old) return;
    this.byKey.delete(key);
    for (const k of this.keysOf(old)) {
      const set = this.bySubject.get(k);
      set?.delete(key);
      if (set?.size === 0) this.bySubject.delete(k);
    }
  }

  /** The bindings in `namespace` ('' for cluster bindings) naming any of `keys`. */
  *matching(namespace: string, keys: readonly string[]): Iterable<{ binding: Binding; subject: Subject }> {
    const seen = new Set<string>();
    for (const k of keys) {
      for (const bk of this.bySubject.get(`${namespace}\n${k}`) ?? []) {
        if (seen.has(bk)) continue;
        const b = this.byKey.get(bk);
        if (!b) continue;
        const subject = b.subjects.find((s) => keys.includes(subjectKey(s, b.namespace) ?? ''));
        if (!subject) continue;
        seen.add(bk);
        yield { binding: b, subject };
      }
    }
  }

  private keysOf(b: Binding): string[] {
    const out = new Set<string>();
    for (const s of b.subjects) {
      const k = subjectKey(s, b.namespace);
      if (k) out.add(`${b.namespace}\n${k}`);
    }
    return [...out];
  }
}

export class PolicyIndex {
  private readonly roles = new Map<string, KObject>();
  private readonly clusterRoles = new Map<string, KObject>();
  private readonly roleBindings = new BindingSet('RoleBinding');
  private readonly clusterRoleBindings = new BindingSet('ClusterRoleBinding');
  private aggregated = new Map<string, PolicyRule[]>();

  /** Replaces every object of `kind`. */
  reset(kind: PolicyKind, objects: Iterable<KObject>): void {
    if (kind === 'roles') this.roles.clear();
    else if (kind === 'clusterroles') this.clusterRoles.clear();
    else this.bindingsOf(kind).clear();
    for (const o of objects) this.put(kind, o);
    if (kind === 'clusterroles') this.aggregated.clear();
  }

  /** Adds or replaces one object. */
  put(kind: PolicyKind, o: KObject): void {
    if (kind === 'roles') this.roles.set(nsName(o), o);
    else if (kind === 'clusterroles') {
      this.clusterRoles.set(o.metadata?.name ?? '', o);
      this.aggregated.clear();
    } else this.bindingsOf(kind).put(o);
  }

  remove(kind: PolicyKind, o: KObject): void {
    if (kind === 'roles') this.roles.delete(nsName(o));
    else if (kind === 'clusterroles') {
      this.clusterRoles.delete(o.metadata?.name ?? '');
      this.aggregated.clear();
    } else this.bindingsOf(kind).remove(o);
  }

  /** ClusterRoleBindings (namespace '') or the namespace's RoleBindings naming one of `keys`. */
  bindings(namespace: string, keys: readonly string[]): Iterable<{ binding: Binding; subject: Subject }> {
    return namespace === ''
      ? this.clusterRoleBindings.matching('', keys)
      : this.roleBindings.matching(namespace, keys);
  }

  /**
   * The rules a role reference grants in `namespace` (a Role is looked up there; a
   * ClusterRole everywhere); undefined when the role does not exist.
   */
  rulesOf(ref: RoleRef, namespace: string): PolicyRule[] | undefined {
    if (ref.kind === 'Role') {
      const role = namespace ? this.roles.get(`${namespace}/${ref.name}`) : undefined;
      return role ? rulesField(role) : undefined;
    }
    if (ref.kind === 'ClusterRole') return this.clusterRoleRules(ref.name, new Set());
    return undefined;
  }

  private clusterRoleRules(name: string, visiting: Set<string>): PolicyRule[] | undefined {
    const role = this.clusterRoles.get(name);
    if (!role) return undefined;
    const selectors = aggregationSelectors(role);
    if (!selectors) return rulesField(role);
    const memo = this.aggregated.get(name);
    if (memo) return memo;
    visiting.add(name);
    const out: PolicyRule[] = [];
    const seen = new Set<string>();
    for (const [other, o] of [...this.clusterRoles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (visiting.has(other) || !selectors.some((s) => s.matches(o.metadata?.labels))) continue;
      for (const r of this.clusterRoleRules(other, visiting) ?? []) {
        const k = JSON.stringify(r);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(r);
      }
    }
    visiting.delete(name);
    if (visiting.size === 0) this.aggregated.set(name, out);
    return out;
  }

  private bindingsOf(kind: 'rolebindings' | 'clusterrolebindings'): BindingSet {
    return kind === 'rolebindings' ? this.roleBindings : this.clusterRoleBindings;
  }
}

function rulesField(o: KObject): PolicyRule[] {
  return Array.isArray(o['rules']) ? (o['rules'] as PolicyRule[]) : [];
}

/** The selectors of an aggregated ClusterRole; undefined when it is not aggregated. */
export function aggregationSelectors(o: KObject): LabelSelector[] | undefined {
  const rule = o['aggregationRule'] as { clusterRoleSelectors?: unknown[] } | undefined | null;
  if (!rule || typeof rule !== 'object') return undefined;
  const out: LabelSelector[] = [];
  for (const s of rule.clusterRoleSelectors ?? []) {
    try {
      out.push(labelSelectorFromObject(s as Parameters<typeof labelSelectorFromObject>[0]));
    } catch {
      // An invalid selector picks nothing.
    }
  }
  return out;
}
