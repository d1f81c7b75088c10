/**
 * Discovery documents built from the resource table: the legacy /api, /apis and
 * per-group-version resource lists, and aggregated discovery v2. Built once; pure.
 */
import {
  apiVersionOf,
  groupVersions,
  type ResourceInfo,
  resourcesOf,
  type SubresourceInfo,
} from '../../api/resources.js';

function resourceEntry(r: ResourceInfo) {
  const e: Record<string, unknown> = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames) e['shortNames'] = r.shortNames;
  if (r.categories) e['categories'] = r.categories;
  return e;
}

function subresourceEntry(r: ResourceInfo, s: SubresourceInfo) {
  const e: Record<string, unknown> = {
    name: `${r.plural}/${s.name}`,
    singularName: '',
    namespaced: r.namespaced,
    kind: s.kind ?? r.kind,
    verbs: s.verbs,
  };
  if (s.group !== undefined) e['group'] = s.group;
  if (s.version !== undefined) e['version'] = s.version;
  return e;
}

export function apiResourceList(group: string, version: string) {
  const resources: Record<string, unknown>[] = [];
  for (const r of resourcesOf(group, version)) {
    resources.push(resourceEntry(r));
    for (const s of r.subresources ?? []) resources.push(subresourceEntry(r, s));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources,
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions()
      .filter((g) => g.group !== '')
      .map((g) => apiGroup(g.group, g.versions)),
  };
}

export function apiGroupDoc(group: string) {
  const g = groupVersions().find((x) => x.group === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.group, g.versions) } : undefined;
}

function aggregatedGroup(group: string, versions: string[]) {
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      freshness: 'Current',
      resources: resourcesOf(group, version).map((r) => {
        const e: Record<string, unknown> = {
          resource: r.plural,
          responseKind: { group, version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: r.verbs,
        };
        if (r.shortNames) e['shortNames'] = r.shortNames;
        if (r.categories) e['categories'] = r.categories;
        if (r.subresources) {
          e['subresources'] = r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind ?? r.kind },
            verbs: s.verbs,
          }));
        }
        return e;
      }),
    })),
  };
}

/** Aggregated discovery for /api (`core`: the core group only) or /apis (every other group). */
export function aggregatedDiscovery(core: boolean) {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groupVersions()
      .filter((g) => (g.group === '') === core)
      .map((g) => aggregatedGroup(g.group, g.versions)),
  };
}
