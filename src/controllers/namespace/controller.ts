/**
 * The namespace controller: a namespace marked for deletion (Terminating) loses every
 * namespaced object in it (a background deletecollection per resource, or deletes one by
 * one where a resource has no deletecollection), then the controller waits, requeueing
 * with a growing delay, while objects remain (pods in their grace period, objects with
 * finalizers), records progress in the namespace's status conditions, and finally
 * removes `kubernetes` from spec.finalizers through /finalize, after which the API server
 * removes the namespace. Reads the namespace from the informer; reads content live.
 */
import type { ResourceInfo } from '../../api/resources.js';
import { ApiStatusError, isNotFound, statusFrom } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';
import {
  type DeletionReport,
  type NamespaceCondition,
  namespaceConditions,
  namespacedResources,
} from './content.js';

const KUBERNETES = 'kubernetes';
const FIRST_RECHECK_MS = 250;
const MAX_RECHECK_MS = 5000;

type Obj = Record<string, unknown>;

function specFinalizers(ns: KObject): string[] {
  const f = (ns['spec'] as Obj | undefined)?.['finalizers'];
  return Array.isArray(f) ? (f as string[]) : [];
}

export class NamespaceController extends QueueController {
  readonly name = 'namespace';
  private readonly namespaces: Informer;
  private readonly rechecks = new Map<string, number>();

  constructor(
    ctx: ControllerContext,
    private readonly resources: ResourceInfo[] = namespacedResources(),
  ) {
    super(ctx, 2);
    this.namespaces = ctx.informers.informer('', 'v1', 'namespaces');
    this.namespaces.addHandler({
      onAdd: (ns) => this.enqueue(ns),
      onUpdate: (_, ns) => this.enqueue(ns),
    });
  }

  protected async sync(name: string): Promise<void> {
    const ns = this.namespaces.cache.getByName('', name);
    if (!ns?.metadata?.deletionTimestamp || !specFinalizers(ns).includes(KUBERNETES)) {
      this.rechecks.delete(name);
      return;
    }
    const report = await this.deleteContent(name);
    await this.writeConditions(ns, report);
    if (report.errors.length > 0)
      throw new Error(`deleting content of namespace ${name}: ${report.errors.join('; ')}`);
    if (report.remaining.size > 0) {
      const n = this.rechecks.get(name) ?? 0;
      this.rechecks.set(name, n + 1);
      this.queue.addAfter(name, Math.min(FIRST_RECHECK_MS * 2 ** n, MAX_RECHECK_MS));
      return;
    }
    this.rechecks.delete(name);
    await this.finalize(ns);
  }

  /** Deletes everything in the namespace and reports what is left. */
  private async deleteContent(namespace: string): Promise<DeletionReport> {
    const report: DeletionReport = { remaining: new Map(), finalizers: new Map(), errors: [] };
    await Promise.all(this.resources.map((r) => this.deleteResource(namespace, r, report)));
    return report;
  }

  private async deleteResource(namespace: string, r: ResourceInfo, report: DeletionReport): Promise<void> {
    const rc = this.ctx.client.resource(r.group, r.version, r.plural);
    const what = `${r.plural}.${r.group}`;
    try {
      if (r.verbs.includes('deletecollection')) {
        const res = await this.ctx.client.transport.request('DELETE', rc.path(namespace), {
          body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
          contentType: 'application/json',
        });
        if (res.status >= 300 && res.status !== 404) throw statusFrom(res.status, res.body);
      } else {
        const list = await rc.list(namespace);
        for (const o of list.items) {
          if (o.metadata?.deletionTimestamp) continue;
          try {
            await rc.delete(namespace, o.metadata!.name!, { propagationPolicy: 'Background' });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
      }
      const left = await rc.list(namespace);
      if (left.items.length === 0) return;
      report.remaining.set(what, left.items.length);
      for (const o of left.items)
        for (const f of o.metadata?.finalizers ?? [])
          report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
    } catch (err) {
      if (err instanceof ApiStatusError && err.code === 404) return;
      report.errors.push(`${what}: ${(err as Error).message}`);
    }
  }

  private async writeConditions(ns: KObject, report: DeletionReport): Promise<void> {
    const status = (ns['status'] ?? {}) as Obj;
    const prev = (Array.isArray(status['conditions']) ? status['conditions'] : []) as NamespaceCondition[];
    const next = namespaceConditions(prev, report, timestamp(this.ctx.now()));
    if (deepEqual(prev, next)) return;
    const updated = structuredClone(ns);
    updated['status'] = { ...status, phase: 'Terminating', conditions: next };
    try {
      await this.ctx.client.resource('', 'v1', 'namespaces').updateStatus(updated);
    } catch (err) {
      // A newer namespace (or none) is already on its way through the informer.
      if (isNotFound(err) || (err instanceof ApiStatusError && err.code === 409)) return;
      throw err;
    }
  }

  private async finalize(ns: KObject): Promise<void> {
    const updated = structuredClone(ns);
    updated['spec'] = {
      ...((ns['spec'] as Obj) ?? {}),
      finalizers: specFinalizers(ns).filter((f) => f !== KUBERNETES),
    };
    delete updated.metadata!.resourceVersion;
    try {
      await this.ctx.client.resource('', 'v1', 'namespaces').update(updated, { subresource: 'finalize' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
