/**
 * The API server's node proxy for pods/log, pods/exec, pods/attach and pods/portforward:
 * finds the pod, its container and its node's kubelet, then streams the log or proxies
 * the upgrade (./logs.ts, ./upgrade.ts). Errors are thrown as ApiErrors for the caller to
 * write. Authentication and authorization happen before this, in the router.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Registry } from '../../registry/registry.js';
import { Errors } from '../errors.js';
import type { Req, Res } from '../http/types.js';
import type { RequestInfo, ResourceRequest } from '../request-info.js';
import { logContainer, streamContainer } from './container.js';
import type { KubeletClientCert } from './dial.js';
import { getPod, type KubeletLocation, kubeletLocation, nodeNameOf } from './location.js';
import { proxyLogs } from './logs.js';
import {
  kubeletLogQuery,
  kubeletPortForwardQuery,
  kubeletStreamQuery,
  parsePodLogOptions,
  parseStreamOptions,
} from './options.js';
import { proxyUpgrade } from './upgrade.js';

export type { KubeletClientCert } from './dial.js';
export { responseOnSocket, writeStatusRaw } from './raw.js';

const SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);
const STREAMS = new Set(['exec', 'attach', 'portforward']);

/** A request for one of the pod subresources that the kubelet serves. */
export function isNodeProxyRequest(info: RequestInfo): info is ResourceRequest {
  return (
    info.isResourceRequest &&
    info.group === '' &&
    info.version === 'v1' &&
    info.resource === 'pods' &&
    info.name !== '' &&
    info.namespace !== '' &&
    SUBRESOURCES.has(info.subresource)
  );
}

/** A node proxy request that must be upgraded (everything but pods/log). */
export function isStreamRequest(info: RequestInfo): info is ResourceRequest {
  return isNodeProxyRequest(info) && STREAMS.has(info.subresource);
}

export interface NodeProxyDeps {
  registry: Registry;
  /** The API server's client certificate for kubelets. */
  kubeletClient: KubeletClientCert;
  dialTimeoutMs?: number;
}

interface Target {
  loc: KubeletLocation;
  pathAndQuery: string;
}

const seg = encodeURIComponent;

export class NodeProxy {
  constructor(private readonly deps: NodeProxyDeps) {}

  /** A plain HTTP request: pods/log streams; the others need an upgrade (400). */
  async serve(req: Req, res: Res, info: ResourceRequest, query: URLSearchParams): Promise<void> {
    this.checkMethod(req.method ?? 'GET', info);
    if (info.subresource === 'log') {
      const opts = parsePodLogOptions(info.name, query);
      const pod = await getPod(this.deps.registry, info.namespace, info.name);
      const container = logContainer(pod, info.name, opts.container);
      const node = nodeNameOf(pod);
      if (node === '') {
        // As upstream: a pod not yet on a node has no logs to show.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end();
        return;
      }
      const loc = await kubeletLocation(this.deps.registry, node);
      const q = kubeletLogQuery(opts);
      const path = `/containerLogs/${seg(info.namespace)}/${seg(info.name)}/${seg(container)}${q ? `?${q}` : ''}`;
      return proxyLogs(res, loc, path, info.name, this.deps.kubeletClient);
    }
    await this.streamTarget(info, query);
    throw Errors.badRequest('Upgrade request required');
  }

  /** An upgrade request for exec, attach or portforward; throws before anything is written. */
  async upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    info: ResourceRequest,
    query: URLSearchParams,
  ): Promise<void> {
    this.checkMethod(req.method ?? 'GET', info);
    const target = await this.streamTarget(info, query);
    await proxyUpgrade(
      req,
      socket,
      head,
      target.loc,
      target.pathAndQuery,
      this.deps.kubeletClient,
      this.deps.dialTimeoutMs,
    );
  }

  private checkMethod(method: string, info: ResourceRequest): void {
    const m = method.toUpperCase();
    const ok = info.subresource === 'log' ? m === 'GET' || m === 'HEAD' : m === 'GET' || m === 'POST';
    if (!ok) throw Errors.methodNotSupported({ group: '', resource: `pods/${info.subresource}` }, info.verb);
  }

  private async streamTarget(info: ResourceRequest, query: URLSearchParams): Promise<Target> {
    const pod = await getPod(this.deps.registry, info.namespace, info.name);
    let path: string;
    let q: string;
    if (info.subresource === 'portforward') {
      q = kubeletPortForwardQuery(query);
      path = `/portForward/${seg(info.namespace)}/${seg(info.name)}`;
    } else {
      const opts = parseStreamOptions(query);
      const container = streamContainer(pod, info.name, opts.container);
      q = kubeletStreamQuery(opts, info.subresource === 'exec');
      path = `/${info.subresource}/${seg(info.namespace)}/${seg(info.name)}/${seg(container)}`;
    }
    const node = nodeNameOf(pod);
    if (node === '') throw Errors.badRequest(`pod ${info.name} does not have a host assigned`);
    const loc = await kubeletLocation(this.deps.registry, node);
    return { loc, pathAndQuery: `${path}${q ? `?${q}` : ''}` };
  }
}
