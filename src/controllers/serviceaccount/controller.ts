/**
 * The ServiceAccount controller: every active namespace has a `default` ServiceAccount;
 * it is created when a namespace appears and re-created if deleted.
 */
import { isAlreadyExists } from '../../client/errors.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';

export class ServiceAccountController extends QueueController {
  readonly name = 'serviceaccount';
  private readonly namespaces;
  private readonly accounts;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.namespaces = ctx.informers.informer('', 'v1', 'namespaces');
    this.accounts = ctx.informers.informer('', 'v1', 'serviceaccounts');
    this.namespaces.addHandler({
      onAdd: (ns) => this.enqueue(ns.metadata!.name!),
      onUpdate: (_, ns) => this.enqueue(ns.metadata!.name!),
    });
    this.accounts.addHandler({
      onDelete: (sa) => {
        if (sa.metadata?.name === 'default') this.enqueue(sa.metadata.namespace!);
      },
    });
  }

  protected async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.cache.getByName('', namespace);
    if (!ns || ns.metadata?.deletionTimestamp) return;
    if (this.accounts.cache.getByName(namespace, 'default')) return;
    try {
      await this.ctx.client.resource('', 'v1', 'serviceaccounts').create(namespace, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace },
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
}
