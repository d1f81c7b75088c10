/**
 * RBAC rule semantics, pure: whether a PolicyRule allows a request (verbs, apiGroups,
 * resources with `*`, `res/sub` and `*\/sub`, resourceNames, nonResourceURLs with a
 * trailing `*`), whether a binding's subject names a user, and whether one set of rules
 * covers another (the escalation check: every atomic permission of the new rules must be
 * held already). No I/O; objects are read elsewhere.
 */
import type { UserInfo } from '../../registry/types.js';
import type { Attributes } from '../auth/attributes.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

const has = (list: readonly string[] | undefined, v: string): boolean =>
  !!list && (list.includes('*') || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

function urlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** Whether `rule` allows the request. */
export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.isResourceRequest) return urlMatches(rule, a.path);
  if (!has(rule.apiGroups, a.group) || !resourceMatches(rule, a.resource, a.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name);
}

/** The user name a ServiceAccount subject stands for (`bindingNamespace` fills a missing one). */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * The index key a subject is found under: `u:<user>` or `g:<group>`; undefined for a kind
 * RBAC does not know (such subjects match nobody).
 */
export function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount':
      return `u:${serviceAccountUser(s.namespace || bindingNamespace, s.name)}`;
    default:
      return undefined;
  }
}

/** The keys a user is found under: its name and each of its groups. */
export function userKeys(user: UserInfo): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

/** One verb on one (group, resource, name) or one URL: the unit the escalation check compares. */
type Atom = { verb: string; group: string; resource: string; name: string } | { verb: string; url: string };

function atoms(rule: PolicyRule): Atom[] {
  const out: Atom[] = [];
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verb, url });
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [''];
        for (const name of names) out.push({ verb, group, resource, name });
      }
  }
  return out;
}

function resourceCovers(owner: readonly string[], requested: string): boolean {
  if (owner.includes('*') || owner.includes(requested)) return true;
  const slash = requested.indexOf('/');
  return slash > 0 && owner.includes(`*${requested.slice(slash)}`);
}

function atomCovered(owner: PolicyRule, atom: Atom): boolean {
  if (!has(owner.verbs, atom.verb)) return false;
  if ('url' in atom) {
    return (owner.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === atom.url || (u.endsWith('*') && atom.url.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(owner.apiGroups, atom.group) || !resourceCovers(owner.resources ?? [], atom.resource))
    return false;
  const names = owner.resourceNames ?? [];
  return names.length === 0 || (atom.name !== '' && names.includes(atom.name));
}

/**
 * The rules of `wanted` not covered by `owned`, each narrowed to what is missing
 * (empty: `owned` covers everything in `wanted`).
 */
export function uncovered(owned: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const rule of wanted)
    for (const atom of atoms(rule)) {
      if (owned.some((o) => atomCovered(o, atom))) continue;
      missing.push(
        'url' in atom
          ? { verbs: [atom.verb], nonResourceURLs: [atom.url] }
          : {
              verbs: [atom.verb],
              apiGroups: [atom.group],
              resources: [atom.resource],
              ...(atom.name ? { resourceNames: [atom.name] } : {}),
            },
      );
    }
  return missing;
}

/** A rule as upstream prints it in escalation errors: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function describeRule(r: PolicyRule): string {
  const q = (l: readonly string[]) => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
