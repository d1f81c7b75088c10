/**
 * Flags of the built-in ingress controller, shared by `k8ts server` (with its agent) and
 * `k8ts agent`, and their translation into IngressController options. The controller
 * listens on the node IP, so it takes the node's name and IP from the kubelet settings.
 */
import type { IngressControllerOptions } from '../ingress/controller.js';
import { UsageError } from './flags.js';

export const ingressFlags = {
  'disable-ingress': {
    kind: 'boolean',
    description: 'run no built-in ingress controller on this node',
  },
  'ingress-http-port': {
    kind: 'number',
    placeholder: 'PORT',
    default: 80,
    description: 'port of the ingress HTTP proxy on the node IP (0 picks a free port)',
  },
  'ingress-https-port': {
    kind: 'number',
    placeholder: 'PORT',
    default: 443,
    description: 'port of the ingress HTTPS proxy on the node IP (0 picks a free port)',
  },
} as const;

interface IngressFlagValues {
  'disable-ingress': boolean;
  'ingress-http-port': number;
  'ingress-https-port': number;
}

/** The node the controller serves: from the kubelet settings. */
export interface IngressNode {
  nodeName: string;
  nodeIP: string;
}

/** Controller options from the flags, or undefined with --disable-ingress. Throws UsageError. */
export function ingressSettings(
  v: IngressFlagValues,
  node: IngressNode,
): Omit<IngressControllerOptions, 'client' | 'log'> | undefined {
  if (v['disable-ingress']) return undefined;
  const http = v['ingress-http-port'];
  const https = v['ingress-https-port'];
  for (const [flag, port] of [
    ['--ingress-http-port', http],
    ['--ingress-https-port', https],
  ] as const) {
    if (port > 65535) throw new UsageError(`${flag} must be a port from 0 to 65535, not ${port}`);
  }
  if (http !== 0 && http === https) {
    throw new UsageError(`--ingress-http-port and --ingress-https-port must differ (both are ${http})`);
  }
  return { nodeName: node.nodeName, nodeIP: node.nodeIP, httpPort: http, httpsPort: https };
}
