/**
 * Mutating calls at a steady rate while the cluster is full: an open loop that starts one
 * call every 1/rate seconds whatever the earlier ones are doing (so a slow server shows up
 * as latency, not as a lower rate), cycling through ConfigMap create, update (merge patch) and delete
 * (each on an object created well before) and, every fifth call, a pod delete or a pod create (the pod churn the simulated nodes
 * and the scheduler then act on). Latency is from the scheduled start to the answer.
 * Calls in flight are capped; a call that would exceed the cap is counted as skipped.
 */
import type { HttpsTransport } from '../../src/client/https.js';

export type CallKind =
  | 'configmap create'
  | 'configmap update'
  | 'configmap delete'
  | 'pod delete'
  | 'pod create';

export interface ChurnResult {
  latencies: Map<CallKind, number[]>;
  /** Calls not started because too many were in flight. */
  skipped: number;
  errors: string[];
}

const MAX_IN_FLIGHT = 500;
const MERGE = 'application/merge-patch+json';

function configMap(name: string, n: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { bench: 'scale' } },
    data: { n: String(n), payload: 'x'.repeat(256) },
  });
}

export async function churn(
  http: HttpsTransport,
  namespace: string,
  rate: number,
  seconds: number,
  podBody: (i: number) => string,
  podName: (i: number) => string,
  firstNewPod: number,
): Promise<ChurnResult> {
  const latencies = new Map<CallKind, number[]>();
  const errors: string[] = [];
  let inFlight = 0;
  let skipped = 0;
  const cmBase = `/api/v1/namespaces/${namespace}/configmaps`;
  const podBase = `/api/v1/namespaces/${namespace}/pods`;
  let cm = 0;
  let podToDelete = 0;
  let podToCreate = firstNewPod;
  const call = (kind: CallKind, method: string, path: string, body?: string, contentType?: string): void => {
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      return;
    }
    inFlight++;
    const t0 = performance.now();
    void http
      .request(method, path, body === undefined ? {} : { body, ...(contentType ? { contentType } : {}) })
      .then((res) => {
        if ((res.status < 200 || res.status > 299) && errors.length < 10)
          errors.push(`${kind}: ${res.status} ${res.body.toString('utf8', 0, 200)}`);
        const l = latencies.get(kind) ?? [];
        l.push(performance.now() - t0);
        latencies.set(kind, l);
      })
      .catch((err: unknown) => {
        if (errors.length < 10) errors.push(`${kind}: ${(err as Error).message}`);
      })
      .finally(() => {
        inFlight--;
      });
  };
  const total = Math.round(rate * seconds);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const step = i % 5;
    if (step === 4) {
      if (Math.floor(i / 5) % 2 === 0) call('pod delete', 'DELETE', `${podBase}/${podName(podToDelete++)}`);
      else call('pod create', 'POST', podBase, podBody(podToCreate++));
      continue;
    }
    // ConfigMaps: create churn-k, update churn-(k-20), delete churn-(k-40), so that each call
    // finds its object whatever the latency of the earlier ones (a few dozen stay alive).
    const k = Math.floor(cm / 3);
    const phase = cm % 3;
    cm++;
    if (phase === 0) call('configmap create', 'POST', cmBase, configMap(`churn-${k}`, 0));
    else if (phase === 1 && k >= 20)
      call(
        'configmap update',
        'PATCH',
        `${cmBase}/churn-${k - 20}`,
        JSON.stringify({ data: { n: '1' } }),
        MERGE,
      );
    else if (phase === 2 && k >= 40) call('configmap delete', 'DELETE', `${cmBase}/churn-${k - 40}`);
  }
  // Let the last calls finish (bounded).
  for (let i = 0; i < 600 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return { latencies, skipped, errors };
}
