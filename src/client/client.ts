/**
 * A client for the Kubernetes API over any Transport: per-resource get, list, create,
 * update (and status), patch, delete and watch. Objects are plain JSON; errors are
 * ApiStatusError carrying the server's Status.
 */
import type { KObject } from '../registry/types.js';
import { statusFrom } from './errors.js';
import type { Transport } from './transport.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface KList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string };
  items: KObject[];
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KObject;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class ResourceClient {
  constructor(
    private readonly t: Transport,
    readonly group: string,
    readonly version: string,
    readonly plural: string,
  ) {}

  path(namespace: string | undefined, name?: string, sub?: string): string {
    const base = this.group ? `/apis/${this.group}/${this.version}` : `/api/${this.version}`;
    const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const n = name ? `/${encodeURIComponent(name)}` : '';
    return `${base}${ns}/${this.plural}${n}${sub ? `/${sub}` : ''}`;
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.t.request(method, path, {
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(contentType ? { contentType } : {}),
    });
    if (res.status < 200 || res.status >= 300) throw statusFrom(res.status, res.body);
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  get(namespace: string | undefined, name: string): Promise<KObject> {
    return this.call('GET', this.path(namespace, name));
  }

  list(namespace?: string, opts: ListOptions = {}): Promise<KList> {
    return this.call('GET', this.path(namespace) + query({ ...opts }));
  }

  create(
    namespace: string | undefined,
    obj: KObject,
    opts: { dryRun?: boolean; fieldManager?: string } = {},
  ): Promise<KObject> {
    const q = query({ dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager });
    return this.call('POST', this.path(namespace) + q, obj);
  }

  update(obj: KObject, opts: { subresource?: string; fieldManager?: string } = {}): Promise<KObject> {
    const m = obj.metadata ?? {};
    return this.call(
      'PUT',
      this.path(m.namespace, m.name, opts.subresource) + query({ fieldManager: opts.fieldManager }),
      obj,
    );
  }

  updateStatus(obj: KObject): Promise<KObject> {
    return this.update(obj, { subresource: 'status' });
  }

  patch(
    namespace: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType = 'merge',
    opts: { subresource?: string; fieldManager?: string; force?: boolean } = {},
  ): Promise<KObject> {
    const q = query({ fieldManager: opts.fieldManager, force: opts.force });
    return this.call('PATCH', this.path(namespace, name, opts.subresource) + q, patch, PATCH_TYPES[type]);
  }

  delete(
    namespace: string | undefined,
    name: string,
    opts: {
      propagationPolicy?: string;
      gracePeriodSeconds?: number;
      preconditions?: { uid?: string; resourceVersion?: string };
    } = {},
  ): Promise<KObject> {
    return this.call('DELETE', this.path(namespace, name), {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...opts,
    });
  }

  /**
   * Watch events until the server ends the stream or `signal` aborts. Through the
   * in-process transport the objects are the watch cache's own, deeply frozen: copy before
   * changing (as every object an informer hands out must be treated).
   */
  async *watch(
    namespace: string | undefined,
    opts: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number },
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent> {
    const path = this.path(namespace) + query({ ...opts, watch: 1 });
    if (this.t.watch) {
      yield* this.t.watch(path, signal) as AsyncIterable<WatchEvent>;
      return;
    }
    for await (const line of this.t.stream(path, signal)) yield JSON.parse(line) as WatchEvent;
  }
}

export class Client {
  constructor(readonly transport: Transport) {}

  resource(group: string, version: string, plural: string): ResourceClient {
    return new ResourceClient(this.transport, group, version, plural);
  }

  close(): void {
    this.transport.close();
  }
}
