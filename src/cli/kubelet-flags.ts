/**
 * Flags of the real kubelet, shared by `k8ts server` (which runs one unless
 * --disable-agent) and `k8ts agent`, and their translation into Kubelet options.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AddressError, nthAddress } from '../dns/addresses.js';
import type { KubeletOptions } from '../kubelet/agent/kubelet.js';
import { type EvictionThreshold, parseEvictionConfig } from '../kubelet/eviction/config.js';
import { ThresholdError } from '../kubelet/eviction/thresholds.js';
import { DEFAULT_IMAGE_GC_POLICY, ImageGCPolicyError, validatePolicy } from '../kubelet/imagegc/policy.js';
import { parseDuration } from '../kubelet/simulated/duration.js';
import { UsageError } from './flags.js';

export const kubeletFlags = {
  'node-name': {
    kind: 'string',
    placeholder: 'NAME',
    description: 'name of this node (default: the host name)',
  },
  'node-ip': {
    kind: 'string',
    placeholder: 'IP',
    default: '127.0.0.1',
    description: "the node's InternalIP; the kubelet API listens on it",
  },
  'node-label': {
    kind: 'list',
    placeholder: 'KEY=VALUE',
    description: 'a label to register the node with (repeatable)',
  },
  'kubelet-port': {
    kind: 'number',
    placeholder: 'PORT',
    default: 10250,
    description: 'port of the kubelet API (0 picks a free port)',
  },
  'cluster-cidr': {
    kind: 'string',
    placeholder: 'CIDR',
    default: '10.42.0.0/16',
    description: 'the pod range of the cluster (a /24 per node)',
  },
  'service-cidr': {
    kind: 'string',
    placeholder: 'CIDR',
    default: '10.43.0.0/16',
    description: 'the Service ClusterIP range',
  },
  'cluster-dns': {
    kind: 'list',
    placeholder: 'IP',
    description:
      'cluster DNS server for pods with dnsPolicy ClusterFirst (default: the 10th address of --service-cidr)',
  },
  'cluster-domain': {
    kind: 'string',
    placeholder: 'DOMAIN',
    default: 'cluster.local',
    description: 'the cluster DNS domain',
  },
  'pause-image': {
    kind: 'string',
    placeholder: 'IMAGE',
    default: '127.0.0.1:5000/k8ts/pause:3.10',
    description: 'the pod sandbox image (scripts/images/build.sh makes it)',
  },
  'container-runtime-endpoint': {
    kind: 'string',
    placeholder: 'URL',
    description: 'use this CRI runtime (unix:///path.sock) instead of starting containerd',
  },
  'private-registry': {
    kind: 'string',
    placeholder: 'FILE',
    default: '/etc/k8ts/registries.yaml',
    description: 'registry mirrors and credentials (like k3s registries.yaml)',
  },
  'eviction-hard': {
    kind: 'list',
    placeholder: 'SIGNAL<VALUE',
    description:
      'hard eviction thresholds, e.g. memory.available<100Mi,nodefs.available<10% (default: memory.available<100Mi, nodefs.available<10%, nodefs.inodesFree<5%, imagefs.available<15%)',
  },
  'eviction-soft': {
    kind: 'list',
    placeholder: 'SIGNAL<VALUE',
    description:
      'soft eviction thresholds, e.g. memory.available<1.5Gi; each needs a grace period in --eviction-soft-grace-period',
  },
  'eviction-soft-grace-period': {
    kind: 'list',
    placeholder: 'SIGNAL=DURATION',
    description: 'how long a soft threshold must be met before pods are evicted, e.g. memory.available=1m30s',
  },
  'eviction-max-pod-grace-period': {
    kind: 'number',
    placeholder: 'SECONDS',
    default: 0,
    description: 'the longest termination grace period a pod evicted for a soft threshold gets',
  },
  'eviction-minimum-reclaim': {
    kind: 'list',
    placeholder: 'SIGNAL=VALUE',
    description:
      'how much beyond a threshold eviction frees once it acts, e.g. memory.available=0Mi,nodefs.available=500Mi',
  },
  'eviction-pressure-transition-period': {
    kind: 'string',
    placeholder: 'DURATION',
    default: '5m0s',
    description: 'how long a pressure condition stays after its thresholds are no longer met',
  },
  'image-gc-high-threshold': {
    kind: 'number',
    placeholder: 'PERCENT',
    default: 85,
    description: 'image filesystem usage at which image garbage collection always runs (100 turns it off)',
  },
  'image-gc-low-threshold': {
    kind: 'number',
    placeholder: 'PERCENT',
    default: 80,
    description: 'image filesystem usage image garbage collection frees down to',
  },
  'minimum-image-ttl-duration': {
    kind: 'string',
    placeholder: 'DURATION',
    default: '2m0s',
    description: 'minimum age of an unused image before it is garbage collected',
  },
  'image-gc-period': {
    kind: 'string',
    placeholder: 'DURATION',
    default: '5m0s',
    description: 'how often image garbage collection looks at the image filesystem',
  },
  'pod-manifest-path': {
    kind: 'string',
    placeholder: 'PATH',
    description:
      'run static pods from this directory of pod manifests (.yaml, .yml, .json) or this file; each appears in the API as a mirror pod',
  },
} as const;

interface KubeletFlagValues {
  'node-name'?: string | undefined;
  'node-ip': string;
  'node-label': string[];
  'kubelet-port': number;
  'cluster-cidr': string;
  'service-cidr': string;
  'cluster-dns': string[];
  'cluster-domain': string;
  'pause-image': string;
  'container-runtime-endpoint'?: string | undefined;
  'private-registry': string;
  'eviction-hard': string[];
  'eviction-pressure-transition-period': string;
  'eviction-soft'?: string[];
  'eviction-soft-grace-period'?: string[];
  'eviction-max-pod-grace-period'?: number;
  'eviction-minimum-reclaim'?: string[];
  'image-gc-high-threshold'?: number;
  'image-gc-low-threshold'?: number;
  'minimum-image-ttl-duration'?: string;
  'image-gc-period'?: string;
  'pod-manifest-path'?: string | undefined;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--${flag} must be a duration like 30s or 5m0s, not "${text}"`);
  }
}

/** The cluster DNS addresses: --cluster-dns, or the 10th address of --service-cidr (10.43.0.10). */
export function clusterDnsIPs(v: { 'cluster-dns': string[]; 'service-cidr': string }): string[] {
  if (v['cluster-dns'].length > 0) return v['cluster-dns'];
  try {
    return [nthAddress(v['service-cidr'], 10)];
  } catch (err) {
    if (err instanceof AddressError) throw new UsageError(`--service-cidr: ${err.message}`);
    throw err;
  }
}

export function kubeletSettings(
  v: KubeletFlagValues,
  dataDir: string,
): Omit<KubeletOptions, 'client' | 'tls' | 'log'> {
  const labels: Record<string, string> = {};
  for (const l of v['node-label']) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new UsageError(`--node-label must be KEY=VALUE, not "${l}"`);
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const endpoint = v['container-runtime-endpoint'];
  if (endpoint !== undefined && !endpoint.startsWith('unix://'))
    throw new UsageError(`--container-runtime-endpoint must be unix:///path/to.sock, not "${endpoint}"`);
  let evictionThresholds: EvictionThreshold[];
  try {
    evictionThresholds = parseEvictionConfig({
      hard: v['eviction-hard'],
      soft: v['eviction-soft'] ?? [],
      softGracePeriod: v['eviction-soft-grace-period'] ?? [],
      minimumReclaim: v['eviction-minimum-reclaim'] ?? [],
    });
  } catch (err) {
    if (err instanceof ThresholdError) throw new UsageError(err.message);
    throw err;
  }
  const period = duration('eviction-pressure-transition-period', v['eviction-pressure-transition-period']);
  const imageGC = {
    highThresholdPercent: v['image-gc-high-threshold'] ?? DEFAULT_IMAGE_GC_POLICY.highThresholdPercent,
    lowThresholdPercent: v['image-gc-low-threshold'] ?? DEFAULT_IMAGE_GC_POLICY.lowThresholdPercent,
    minAgeMs: duration('minimum-image-ttl-duration', v['minimum-image-ttl-duration'] ?? '2m0s'),
  };
  try {
    validatePolicy(imageGC);
  } catch (err) {
    if (err instanceof ImageGCPolicyError)
      throw new UsageError(`image garbage collection flags: ${err.message}`);
    throw err;
  }
  return {
    dir: join(dataDir, 'agent'),
    nodeName: (v['node-name'] ?? hostname()).toLowerCase(),
    nodeIP: v['node-ip'],
    port: v['kubelet-port'],
    clusterCIDR: v['cluster-cidr'],
    serviceCIDR: v['service-cidr'],
    clusterDNS: clusterDnsIPs(v),
    clusterDomain: v['cluster-domain'],
    sandboxImage: v['pause-image'],
    ...(endpoint ? { runtimeEndpoint: endpoint } : {}),
    registriesFile: v['private-registry'],
    labels,
    evictionThresholds,
    evictionPressureTransitionMs: period,
    evictionMaxPodGracePeriodS: v['eviction-max-pod-grace-period'] ?? 0,
    imageGC,
    imageGCPeriodMs: duration('image-gc-period', v['image-gc-period'] ?? '5m0s'),
    ...(v['pod-manifest-path'] ? { podManifestPath: resolve(v['pod-manifest-path']) } : {}),
  };
}
