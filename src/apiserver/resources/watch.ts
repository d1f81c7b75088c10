/**
 * WATCH over HTTP: a stream of JSON lines `{"type":..., "object":...}` from the watch
 * cache, with bookmarks when asked, ending after timeoutSeconds (or a randomised default
 * like kube-apiserver's), when the client goes away, or with an ERROR event (410 Expired
 * when the resourceVersion is too old).
 */

import { eventSink } from '../../client/inprocess.js';
import { TooOldError } from '../../registry/cache/resource-cache.js';
import { Errors } from '../errors.js';
import { wantsTable } from '../http/negotiate.js';
import { writeChunk } from '../http/types.js';
import type { ResourceCall } from './context.js';
import { eventLine } from './event-encoding.js';
import { objectFilter } from './query.js';
import { includeObjectParam, toTable } from './table.js';

const MIN_REQUEST_TIMEOUT_S = 1800;
const BOOKMARK_INTERVAL_MS = 60_000;

export async function watchObjects(call: ResourceCall): Promise<void> {
  const { req, res, info, store, query } = call;
  const ac = new AbortController();
  const timeoutParam = query.get('timeoutSeconds');
  const timeoutS =
    timeoutParam !== null && /^[0-9]+$/.test(timeoutParam)
      ? Number(timeoutParam)
      : MIN_REQUEST_TIMEOUT_S * (1 + Math.random());
  const filter = objectFilter(store.info.kind, store.info.group, query);
  if (info.name) {
    // GET .../pods?watch=1&fieldSelector=metadata.name=x and the legacy /watch/.../name form.
    const base = filter;
    const name = info.name;
    const byName = (o: Parameters<NonNullable<typeof base>>[0]) =>
      o.metadata?.name === name && (!base || base(o));
    return stream(call, ac, timeoutS, byName);
  }
  return stream(call, ac, timeoutS, filter);

  async function stream(
    c: ResourceCall,
    abort: AbortController,
    seconds: number,
    f: typeof filter,
  ): Promise<void> {
    const rv = query.get('resourceVersion') ?? '';
    let watcher: Awaited<ReturnType<typeof store.watch>>;
    const asTable = wantsTable(req.headers.accept);
    const include = asTable ? includeObjectParam(query) : 'Object';
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const sink = eventSink(res);
    try {
      watcher = await store.watch(
        info.namespace,
        { ...(f ? { filter: f } : {}), resourceVersion: rv },
        abort.signal,
      );
    } catch (err) {
      if (!(err instanceof TooOldError)) throw err;
      // Like kube-apiserver: a 200 stream carrying one ERROR event with a 410 Status.
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: Errors.expired(err.message).status })}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      ...('httpVersionMajor' in req && req.httpVersionMajor === 1 ? { 'transfer-encoding': 'chunked' } : {}),
    });
    // Send the status line now: clients treat a watch as open only once they see it.
    if ('flushHeaders' in res) res.flushHeaders();
    const stop = () => abort.abort();
    res.on('close', stop);
    // The client may have gone while the watch was being set up.
    if (res.writableEnded || ('destroyed' in res && res.destroyed)) stop();
    const timer = setTimeout(stop, seconds * 1000);
    const bookmarkTimer = bookmarks
      ? setInterval(() => store.cache.bookmark(watcher, store.env.caches.revision), BOOKMARK_INTERVAL_MS)
      : undefined;
    try {
      for await (const ev of watcher) {
        let object: unknown = ev.type === 'BOOKMARK' ? ev.object : store.out(ev.object);
        if (ev.type === 'BOOKMARK') {
          object = {
            kind: store.info.kind,
            apiVersion: c.store.info.group
              ? `${c.store.info.group}/${c.store.info.version}`
              : c.store.info.version,
            metadata: { resourceVersion: String(ev.revision) },
          };
        } else if (asTable) {
          object = toTable(
            [store.out(ev.object)],
            store.strategy.printer,
            include,
            { resourceVersion: String(ev.revision) },
            Date.now(),
          );
        }
        if (sink && !asTable) {
          // In-process: the object itself (frozen, shared), no text.
          sink(ev.type, object);
          continue;
        }
        // The plain JSON form of a cached object is shared by every watcher.
        const shared = ev.type !== 'BOOKMARK' && !asTable && !store.def.codec;
        const ok = writeChunk(
          res,
          shared ? eventLine(ev.type, ev.object) : `${JSON.stringify({ type: ev.type, object })}\n`,
        );
        if (!ok) {
          await new Promise<void>((r) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              r();
            };
            res.once('drain', done);
            res.once('close', done);
          });
        }
      }
    } catch (err) {
      // The watcher was cut off (too slow, or the cache was reinitialised): tell the client to re-watch.
      const status = Errors.expired((err as Error).message).status;
      if (!res.writableEnded) writeChunk(res, `${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    } finally {
      clearTimeout(timer);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      res.off('close', stop);
      abort.abort();
      if (!res.writableEnded) res.end();
    }
  }
}
