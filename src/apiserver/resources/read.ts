/**
 * GET of one object and LIST of a collection, as JSON or as a Table. A JSON list is
 * streamed: the envelope, then the items' cached JSON text (event-encoding.ts) in chunks
 * of about STREAM_CHUNK bytes, waiting for the client to drain between chunks, so a list of
 * a hundred thousand objects is neither serialized again nor held as one string.
 */
import { apiVersionOf } from '../../api/resources.js';
import type { KObject } from '../../registry/types.js';
import { wantsTable } from '../http/negotiate.js';
import { writeJson } from '../http/respond.js';
import type { Res } from '../http/types.js';
import type { ResourceCall } from './context.js';
import { objectJson } from './event-encoding.js';
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
  const head = JSON.stringify({
    kind: `${store.info.kind}List`,
    apiVersion: apiVersionOf(store.info),
    metadata: listMeta,
  });
  // Items of a converted version are fresh objects: their text is not worth keeping.
  const encode = store.def.codec ? (o: KObject) => JSON.stringify(o) : objectJson;
  await streamList(call, `${head.slice(0, -1)},"items":[`, result.items, encode);
}

const STREAM_CHUNK = 1 << 20;
const COMMA = ',';
const LIST_END = ']}';

/** Resolves when `res` can take more, or has gone away. */
function drained(res: Res): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function streamList(
  call: ResourceCall,
  head: string,
  items: KObject[],
  encode: (o: KObject) => string,
): Promise<void> {
  const { req, res } = call;
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  res.once('close', onClose);
  const http1 = 'httpVersionMajor' in req && req.httpVersionMajor === 1;
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(http1 ? { 'transfer-encoding': 'chunked' } : {}),
  });
  const w = res as NodeJS.WritableStream & Res;
  // HTTP/2 takes the items' texts in one vectored write per chunk, encoded straight into
  // the write's storage (joining them first copied every byte once more: twice the CPU);
  // HTTP/1.1 would frame every write as a chunk of its own, so it gets them joined, as
  // does a response that cannot be corked (the in-process transport's).
  const joined = http1 || typeof w.cork !== 'function';
  let parts: string[] = [];
  let size = 0;
  let more = true;
  const put = (text: string) => {
    if (joined) parts.push(text);
    else more = w.write(text);
    size += text.length;
  };
  if (!joined) w.cork();
  put(head);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) put(COMMA);
    put(encode(items[i]!));
    if (size >= STREAM_CHUNK) {
      if (joined) more = w.write(parts.join(''));
      else w.uncork();
      parts = [];
      size = 0;
      if (!more && !closed) await drained(res);
      if (closed) return;
      if (!joined) w.cork();
    }
  }
  res.off('close', onClose);
  put(LIST_END);
  if (joined) w.end(parts.join(''));
  else {
    w.uncork();
    w.end();
  }
}
