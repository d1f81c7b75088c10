/** What a resource handler needs about the request it serves. */
import type { GenericStore } from '../../registry/generic/store.js';
import type { Registry } from '../../registry/registry.js';
import type { RequestContext } from '../../registry/types.js';
import type { Req, Res } from '../http/types.js';
import type { ResourceRequest } from '../request-info.js';

export interface ResourceCall {
  req: Req;
  res: Res;
  info: ResourceRequest;
  query: URLSearchParams;
  store: GenericStore;
  /** Every store, for subresources that touch another resource (eviction reads budgets). */
  registry: Registry;
  ctx: RequestContext;
  now: number;
}
