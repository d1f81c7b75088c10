/**
 * The CRI sandbox configuration of a pod: metadata (attempt counts re-creations), host
 * name, log directory, DNS by dnsPolicy, hostPort mappings, namespaces (host network,
 * PID, IPC; a shared process namespace), sysctls and the pod-level security context.
 * Pure.
 */
import type { KObject } from '../../registry/types.js';
import type { DNSConfig, NamespaceOption, PodSandboxConfig, PortMapping } from '../cri/types.js';
import { podLabels } from './labels.js';

type Obj = Record<string, unknown>;

export interface DnsSettings {
  /** Cluster DNS server addresses (empty: no cluster DNS; ClusterFirst falls back to Default). */
  clusterDNS: string[];
  clusterDomain: string;
  /** The host's resolv.conf, parsed. */
  host: DNSConfig;
}

export function spec(pod: KObject): Obj {
  return (pod['spec'] as Obj | undefined) ?? {};
}

export function podLogDir(logsDir: string, pod: KObject): string {
  const m = pod.metadata ?? {};
  return `${logsDir}/${m.namespace}_${m.name}_${m.uid}`;
}

export function namespaceOptions(pod: KObject): NamespaceOption {
  const s = spec(pod);
  return {
    network: s['hostNetwork'] === true ? 'NODE' : 'POD',
    pid: s['hostPID'] === true ? 'NODE' : s['shareProcessNamespace'] === true ? 'POD' : 'CONTAINER',
    ipc: s['hostIPC'] === true ? 'NODE' : 'POD',
  };
}

/** The DNS configuration by dnsPolicy, and whether ClusterFirst had to fall back. */
export function dnsConfig(pod: KObject, dns: DnsSettings): { config: DNSConfig; fellBack: boolean } {
  const s = spec(pod);
  const ns = pod.metadata?.namespace ?? 'default';
  let policy = String(s['dnsPolicy'] ?? 'ClusterFirst');
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  else if (policy === 'ClusterFirst' && s['hostNetwork'] === true) policy = 'Default';
  let config: DNSConfig = {};
  let fellBack = false;
  if (policy === 'ClusterFirst' && dns.clusterDNS.length > 0) {
    const d = dns.clusterDomain;
    config = {
      servers: dns.clusterDNS,
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...(dns.host.searches ?? [])].slice(0, 32),
      options: ['ndots:5'],
    };
  } else if (policy === 'ClusterFirst' || policy === 'Default') {
    fellBack = policy === 'ClusterFirst';
    config = { ...dns.host };
  }
  const custom = s['dnsConfig'] as Obj | undefined;
  if (custom) {
    const servers = (custom['nameservers'] as string[] | undefined) ?? [];
    const searches = (custom['searches'] as string[] | undefined) ?? [];
    const opts = ((custom['options'] as Obj[] | undefined) ?? []).map((o) =>
      o['value'] !== undefined ? `${o['name']}:${o['value']}` : String(o['name']),
    );
    const names = new Set(opts.map((o) => o.split(':')[0]));
    config = {
      servers: [...(config.servers ?? []), ...servers],
      searches: [...(config.searches ?? []), ...searches],
      options: [...(config.options ?? []).filter((o) => !names.has(o.split(':')[0])), ...opts],
    };
  }
  return { config, fellBack };
}

function portMappings(pod: KObject): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of [...((spec(pod)['containers'] as Obj[] | undefined) ?? [])]) {
    for (const p of (c['ports'] as Obj[] | undefined) ?? []) {
      const hostPort = Number(p['hostPort'] ?? 0);
      if (!hostPort) continue;
      out.push({
        protocol: (String(p['protocol'] ?? 'TCP') as PortMapping['protocol']) ?? 'TCP',
        container_port: Number(p['containerPort']),
        host_port: hostPort,
        host_ip: String(p['hostIP'] ?? ''),
      });
    }
  }
  return out;
}

export function sandboxConfig(
  pod: KObject,
  attempt: number,
  logsDir: string,
  dns: DNSConfig,
  nodeHostname: string,
): PodSandboxConfig {
  const s = spec(pod);
  const m = pod.metadata ?? {};
  const sc = (s['securityContext'] as Obj | undefined) ?? {};
  const sysctls: Record<string, string> = {};
  for (const x of (sc['sysctls'] as Obj[] | undefined) ?? []) sysctls[String(x['name'])] = String(x['value']);
  const hostname = s['hostNetwork'] === true ? nodeHostname : String(s['hostname'] ?? m.name ?? '');
  const privileged = ((s['containers'] as Obj[] | undefined) ?? []).some(
    (c) => ((c['securityContext'] as Obj | undefined)?.['privileged'] as boolean | undefined) === true,
  );
  return {
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', attempt },
    hostname: hostname.slice(0, 63),
    log_directory: podLogDir(logsDir, pod),
    dns_config: dns,
    port_mappings: portMappings(pod),
    labels: podLabels(pod),
    annotations: { ...(m.annotations ?? {}) },
    linux: {
      sysctls,
      security_context: {
        namespace_options: namespaceOptions(pod),
        privileged,
        ...(sc['runAsUser'] !== undefined ? { run_as_user: { value: Number(sc['runAsUser']) } } : {}),
        ...(sc['runAsGroup'] !== undefined ? { run_as_group: { value: Number(sc['runAsGroup']) } } : {}),
        supplemental_groups: ((sc['supplementalGroups'] as number[] | undefined) ?? []).map(Number),
      },
    },
  };
}

/** The host's resolv.conf as a DNS config. */
export function parseResolvConf(text: string): DNSConfig {
  const servers: string[] = [];
  const searches: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const [key, ...rest] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && rest[0]) servers.push(rest[0]);
    else if (key === 'search' || key === 'domain') searches.push(...rest);
    else if (key === 'options') options.push(...rest);
  }
  return { servers, searches, options };
}
