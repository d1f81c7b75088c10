/**
 * Writes the kube-dns objects (./kube-dns.ts) through the API: creates the Service when
 * it is missing (an existing one is left as the user has it), and sets or removes this
 * server's address in its EndpointSlice and in the shared Endpoints, retrying on write
 * conflicts a bounded number of times.
 */
import type { Client } from '../client/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors.js';
import type { KObject } from '../registry/types.js';
import { deepEqual } from '../util/deep-equal.js';
import {
  KUBE_DNS,
  KUBE_SYSTEM,
  kubeDnsEndpoints,
  kubeDnsService,
  kubeDnsSlice,
  sliceName,
} from './kube-dns.js';

const CONFLICT_RETRIES = 5;

export class KubeDnsPublisher {
  constructor(private readonly client: Client) {}

  private get services() {
    return this.client.resource('', 'v1', 'services');
  }

  private get slices() {
    return this.client.resource('discovery.k8s.io', 'v1', 'endpointslices');
  }

  private get endpoints() {
    return this.client.resource('', 'v1', 'endpoints');
  }

  private async getOrUndefined(
    r: ReturnType<Client['resource']>,
    name: string,
  ): Promise<KObject | undefined> {
    try {
      return await r.get(KUBE_SYSTEM, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The kube-dns Service, created with `clusterIP` when missing. */
  async ensureService(clusterIP: string): Promise<KObject> {
    const existing = await this.getOrUndefined(this.services, KUBE_DNS);
    if (existing) return existing;
    try {
      return await this.services.create(KUBE_SYSTEM, kubeDnsService(clusterIP));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return this.services.get(KUBE_SYSTEM, KUBE_DNS);
    }
  }

  /** Makes `address` this node's ready endpoint of kube-dns. */
  async publish(svc: KObject, nodeName: string, address: string): Promise<void> {
    const want = kubeDnsSlice(svc, nodeName, address);
    await this.retry(async () => {
      const have = await this.getOrUndefined(this.slices, sliceName(nodeName));
      if (!have) {
        await this.slices.create(KUBE_SYSTEM, want);
        return;
      }
      const same = ['endpoints', 'ports', 'addressType'].every((k) => deepEqual(have[k], want[k]));
      if (same && deepEqual(have.metadata?.labels, want.metadata?.labels)) return;
      await this.slices.update({
        ...want,
        metadata: { ...have.metadata, labels: want.metadata?.labels ?? {} },
      });
    });
    await this.setEndpoints(nodeName, address);
  }

  /** Takes this node's address out of kube-dns's endpoints. */
  async unpublish(nodeName: string): Promise<void> {
    try {
      await this.slices.delete(KUBE_SYSTEM, sliceName(nodeName));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await this.setEndpoints(nodeName, undefined);
  }

  private async setEndpoints(nodeName: string, address: string | undefined): Promise<void> {
    await this.retry(async () => {
      const have = await this.getOrUndefined(this.endpoints, KUBE_DNS);
      const want = kubeDnsEndpoints(have, nodeName, address);
      if (!have) {
        if (address) await this.endpoints.create(KUBE_SYSTEM, want);
        return;
      }
      if (
        deepEqual(have['subsets'] ?? [], want['subsets']) &&
        deepEqual(have.metadata?.labels, want.metadata?.labels)
      )
        return;
      await this.endpoints.update(want);
    });
  }

  private async retry(f: () => Promise<void>): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        return await f();
      } catch (err) {
        if (i >= CONFLICT_RETRIES || !(isConflict(err) || isAlreadyExists(err))) throw err;
      }
    }
  }
}
