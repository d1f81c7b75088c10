/**
 * The request pipeline: authenticate, authorize, then route to discovery, OpenAPI,
 * health, metrics, reviews, the node proxy (pods/log, exec, attach, portforward) or the
 * resource handlers. Every error leaves as a Status through one handler; anything
 * unexpected is logged and becomes a 500. HTTP/1.1 upgrade requests (`upgrade`) pass the
 * same authentication and authorization before the node proxy takes their socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { managerFromUserAgent } from '../api/apply/index.js';
import { groupVersions } from '../api/resources.js';
import type { Registry } from '../registry/registry.js';
import type { UserInfo } from '../registry/types.js';
import type { Authenticator } from './auth/authenticate.js';
import { Authorizer, forbidden } from './auth/authorize.js';
import { impersonate } from './auth/impersonate.js';
import {
  aggregatedDiscovery,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery/documents.js';
import { Errors } from './errors.js';
import { type Check, serveHealth } from './health.js';
import { AGGREGATED_DISCOVERY_TYPE, wantsAggregatedDiscovery } from './http/negotiate.js';
import { writeError, writeJson, writeText } from './http/respond.js';
import type { Req, Res } from './http/types.js';
import type { Metrics } from './metrics.js';
import {
  isNodeProxyRequest,
  isStreamRequest,
  type NodeProxy,
  responseOnSocket,
  writeStatusRaw,
} from './nodeproxy/index.js';
import { serveOpenApi } from './openapi.js';
import { rbacFor } from './rbac/index.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { handleResource } from './resources/handler.js';
import { isDryRun } from './resources/query.js';
import { review } from './reviews.js';
import { serveIssuerDiscovery } from './serviceaccounts/discovery.js';
import { issuerOf } from './serviceaccounts/issuer.js';
import { versionInfo } from './version.js';

const PUBLIC = /^\/(healthz|livez|readyz)(\/[^/]+)?$|^\/version\/?$/;
const REVIEWS = new Set([
  'selfsubjectreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'subjectaccessreviews',
  'localsubjectaccessreviews',
  'tokenreviews',
]);

export interface RouterDeps {
  registry: Registry;
  authn: Authenticator;
  metrics: Metrics;
  checks: Check[];
  serverAddress: string;
  log: (msg: string) => void;
  /** Serves the pod subresources that live on kubelets; without it they are 404. */
  nodeProxy?: NodeProxy;
}

export function createRouter(deps: RouterDeps) {
  const rbac = rbacFor(deps.registry);
  const authz = new Authorizer(rbac.authorizer);
  return Object.assign(route, { upgrade });

  async function route(req: Req, res: Res): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname;
    let info: RequestInfo = { isResourceRequest: false, verb: (req.method ?? 'GET').toLowerCase(), path };
    let code = 200;
    try {
      info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams);
      if (PUBLIC.test(path)) return servePublic(req, res, path, url.searchParams);
      const authenticated = deps.authn.authenticate(req);
      if (!authenticated || authenticated === 'invalid') throw Errors.unauthorized();
      const user = impersonate(req, authenticated, authz);
      if (!authz.isAllowed(user, info)) throw forbidden(user, info);
      await serve(req, res, url, info, user);
      code = res.statusCode;
    } catch (err) {
      code = writeError(req, res, err, deps.log).code;
    } finally {
      const resource = info.isResourceRequest
        ? info.resource + (info.subresource ? `/${info.subresource}` : '')
        : '';
      if (info.verb !== 'watch')
        deps.metrics.observeRequest(info.verb, resource, code, (performance.now() - started) / 1000);
    }
  }

  /** An HTTP/1.1 upgrade request: exec, attach and portforward go to the node proxy. */
  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    // Anything else is answered as a plain request.
    if (!deps.nodeProxy || !isStreamRequest(info)) return route(req, responseOnSocket(req, socket));
    socket.on('error', () => socket.destroy());
    const started = performance.now();
    let code = 101;
    try {
      const authenticated = deps.authn.authenticate(req);
      if (!authenticated || authenticated === 'invalid') throw Errors.unauthorized();
      const user = impersonate(req, authenticated, authz);
      if (!authz.isAllowed(user, info)) throw forbidden(user, info);
      await deps.nodeProxy.upgrade(req, socket, head, info, url.searchParams);
    } catch (err) {
      code = writeStatusRaw(socket, err, deps.log).code;
    } finally {
      const elapsed = (performance.now() - started) / 1000;
      deps.metrics.observeRequest(info.verb, `pods/${info.subresource}`, code, elapsed);
    }
  }

  function servePublic(_req: Req, res: Res, path: string, query: URLSearchParams): void {
    if (path.startsWith('/version')) return writeJson(res, 200, versionInfo());
    serveHealth(res, path, query, deps.checks);
  }

  async function serve(req: Req, res: Res, url: URL, info: RequestInfo, user: UserInfo): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (!info.isResourceRequest) {
      if (path === '/api') {
        if (wantsAggregatedDiscovery(accept))
          return writeJson(res, 200, aggregatedDiscovery(true), AGGREGATED_DISCOVERY_TYPE);
        return writeJson(res, 200, apiVersions(deps.serverAddress));
      }
      if (path === '/apis') {
        if (wantsAggregatedDiscovery(accept))
          return writeJson(res, 200, aggregatedDiscovery(false), AGGREGATED_DISCOVERY_TYPE);
        return writeJson(res, 200, apiGroupList());
      }
      if (path === '/api/v1') return writeJson(res, 200, apiResourceList('', 'v1'));
      const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
      if (m) {
        const [, group, version] = m;
        if (!version) {
          const doc = apiGroupDoc(group!);
          if (doc) return writeJson(res, 200, doc);
        } else if (groupVersions().some((g) => g.group === group && g.versions.includes(version))) {
          return writeJson(res, 200, apiResourceList(group!, version));
        }
        throw Errors.pathNotFound();
      }
      if (path.startsWith('/openapi/')) return serveOpenApi(req, res, path, url.searchParams);
      if (serveIssuerDiscovery(res, path, issuerOf(deps.registry), deps.serverAddress)) return;
      if (path === '/metrics') {
        return writeText(
          res,
          200,
          deps.metrics.render({ k8ts_watch_cache_revision: deps.registry.caches.revision }),
        );
      }
      throw Errors.pathNotFound();
    }
    if (deps.nodeProxy && isNodeProxyRequest(info))
      return deps.nodeProxy.serve(req, res, info, url.searchParams);
    if (REVIEWS.has(info.resource)) {
      if (info.verb !== 'create')
        throw Errors.methodNotSupported({ group: info.group, resource: info.resource }, info.verb);
      const reviewed = await review(
        { authorizer: authz, rbac: rbac.authorizer, authn: deps.authn },
        req,
        user,
        info.group,
        info.resource,
        info.namespace,
      );
      return writeJson(res, 201, reviewed);
    }
    const store = deps.registry.get(info.group, info.version, info.resource);
    if (!store) throw Errors.pathNotFound();
    if (!store.info.namespaced && info.namespace && info.resource !== 'namespaces')
      throw Errors.pathNotFound();
    const query = url.searchParams;
    const watching = info.verb === 'watch';
    if (watching) deps.metrics.openWatches++;
    try {
      await handleResource({
        req,
        res,
        info,
        query,
        store,
        registry: deps.registry,
        now: Date.now(),
        ctx: {
          user,
          dryRun: isDryRun(query),
          // As upstream: the named manager, else the program part of the User-Agent.
          fieldManager:
            query.get('fieldManager') || managerFromUserAgent(req.headers['user-agent']) || undefined,
          warnings: [],
        },
      });
    } finally {
      if (watching) deps.metrics.openWatches--;
    }
  }
}
