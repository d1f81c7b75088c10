/** GET of one object and LIST of a collection, as JSON or as a Table. */
import { apiVersionOf } from '../../api/resources.js';
import type { KObject } from '../../registry/types.js';
import { wantsTable } from '../http/negotiate.js';
import { writeJson } from '../http/respond.js';
import type { ResourceCall } from './context.js';
import { listOptions } from './query.js';
import { includeObjectParam, toTable } from './table.js';

/** Writes one object (or its Table) with status `code`. */
export function respondObject(call: ResourceCall, stored: KObject, code = 200): void {
  const obj = call.store.out(stored);
  if (wantsTable(call.req.headers.accept)) {
    const table = toTable(
      [obj],
      call.store.strategy.printer,
      includeObjectParam(call.query),
      {
        resourceVersion: obj.metadata?.resourceVersion ?? '',
      },
      call.now,
    );
    writeJson(call.res, code, table);
    return;
  }
  writeJson(call.res, code, obj);
}

export async function getObject(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const obj = await store.get(info.namespace, info.name, call.query.get('resourceVersion') ?? undefined);
  respondObject(call, obj);
}

export async function listObjects(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  const result = await store.list(info.namespace, listOptions(store.info.kind, store.info.group, call.query));
  if (store.def.codec) result.items = result.items.map((o) => store.out(o));
  const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) listMeta['continue'] = result.continue;
  if (result.remainingItemCount !== undefined) listMeta['remainingItemCount'] = result.remainingItemCount;
  if (wantsTable(call.req.headers.accept)) {
    writeJson(
      call.res,
      200,
      toTable(result.items, store.strategy.printer, includeObjectParam(call.query), listMeta, call.now),
    );
    return;
  }
  writeJson(call.res, 200, {
    kind: `${store.info.kind}List`,
    apiVersion: apiVersionOf(store.info),
    metadata: listMeta,
    items: result.items,
  });
}
