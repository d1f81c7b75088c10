/**
 * The root CA publisher: every active namespace has a `kube-root-ca.crt` ConfigMap whose
 * `ca.crt` is the cluster CA, so that pods' kube-api-access volumes can project it. The
 * ConfigMap is created when a namespace appears, re-created when deleted and put back
 * when its data is changed. Without a CA (none configured) the controller does nothing.
 */
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import { type ControllerContext, QueueController } from '../framework/controller.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCaCertPublisher extends QueueController {
  readonly name = 'root-ca-cert-publisher';
  private readonly namespaces;
  private readonly configMaps;

  constructor(
    ctx: ControllerContext,
    private readonly caPem: string | undefined,
  ) {
    super(ctx, 1);
    this.namespaces = ctx.informers.informer('', 'v1', 'namespaces');
    // Only its own ConfigMaps: every other ConfigMap write would be decoded for nothing.
    this.configMaps = ctx.informers.informer('', 'v1', 'configmaps', {
      fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}`,
    });
    const nsOf = (o: KObject) => o.metadata?.name ?? '';
    this.namespaces.addHandler({
      onAdd: (ns) => this.enqueue(nsOf(ns)),
      onUpdate: (_, ns) => this.enqueue(nsOf(ns)),
    });
    const mine = (cm: KObject) => {
      if (cm.metadata?.name === ROOT_CA_CONFIGMAP) this.enqueue(cm.metadata.namespace ?? '');
    };
    this.configMaps.addHandler({ onUpdate: (_, cm) => mine(cm), onDelete: mine });
  }

  protected async sync(namespace: string): Promise<void> {
    if (this.caPem === undefined) return;
    const ns = this.namespaces.cache.getByName('', namespace);
    if (!ns || ns.metadata?.deletionTimestamp) return;
    const cms = this.ctx.client.resource('', 'v1', 'configmaps');
    const have = this.configMaps.cache.getByName(namespace, ROOT_CA_CONFIGMAP);
    const data = { 'ca.crt': this.caPem };
    if (!have) {
      try {
        await cms.create(namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: ROOT_CA_CONFIGMAP,
            namespace,
            annotations: { 'kubernetes.io/description': DESCRIPTION },
          },
          data,
        });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return;
    }
    const current = (have['data'] ?? {}) as Record<string, string>;
    if (Object.keys(current).length === 1 && current['ca.crt'] === this.caPem) return;
    try {
      // The resourceVersion makes this a compare-and-swap against the cached copy.
      await cms.update({ ...have, data });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
