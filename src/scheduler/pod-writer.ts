/**
 * Everything the scheduler writes about pods, through the API: the binding, the
 * PodScheduled condition (False with kube-scheduler's reason and message, and
 * status.nominatedNodeName after a preemption), the eviction of preemption victims
 * (marked with a DisruptionTarget condition, then deleted), and the events that go with
 * them (Scheduled, FailedScheduling, Preempted). Status writes are strategic merge patches
 * of pods/status, skipped when the pod already says the same. Only bind() reports
 * failure to its caller; the other writes are best effort and log what fails, except
 * for pods that are gone.
 */
import type { Client, ResourceClient } from '../client/client.js';
import { ApiStatusError, statusFrom } from '../client/errors.js';
import type { EventRecorder } from '../controllers/framework/recorder.js';
import type { KObject } from '../registry/types.js';
import type { PodInfo } from './pod-info.js';

type Obj = Record<string, unknown>;

/** The current time as API timestamps are written (seconds, UTC). */
function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The object an event is about (informer objects may lack kind and apiVersion). */
function podRef(pod: KObject): KObject {
  return pod.kind ? pod : { ...pod, kind: 'Pod', apiVersion: 'v1' };
}

function podScheduled(pi: PodInfo): Obj | undefined {
  const conds = ((pi.pod['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
  return conds.find((c) => c['type'] === 'PodScheduled');
}

export class PodWriter {
  private readonly pods: ResourceClient;

  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    private readonly schedulerName: string,
    private readonly log: (msg: string) => void,
  ) {
    this.pods = client.resource('', 'v1', 'pods');
  }

  /** POSTs pods/NAME/binding; throws the server's ApiStatusError when refused. */
  async bind(pi: PodInfo, nodeName: string): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: pi.name, namespace: pi.namespace, uid: pi.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    const res = await this.client.transport.request(
      'POST',
      this.pods.path(pi.namespace, pi.name, 'binding'),
      {
        body: JSON.stringify(body),
      },
    );
    if (res.status < 200 || res.status >= 300) throw statusFrom(res.status, res.body);
  }

  /** After a successful bind (which set PodScheduled True): the Scheduled event. */
  bound(pi: PodInfo, nodeName: string): void {
    this.recorder.event(
      podRef(pi.pod),
      'Normal',
      'Scheduled',
      `Successfully assigned ${pi.namespace}/${pi.name} to ${nodeName}`,
    );
  }

  /** A failed attempt: the FailedScheduling event and the PodScheduled condition. */
  failed(pi: PodInfo, reason: string, message: string, nominate?: string | null): void {
    this.recorder.event(podRef(pi.pod), 'Warning', 'FailedScheduling', message);
    this.setCondition(pi, reason, message, nominate);
  }

  /**
   * Sets the pod's PodScheduled condition to False with `reason` and `message` (and its
   * nominated node: a name to set, null to clear, undefined to leave), unless it already says so.
   */
  setCondition(pi: PodInfo, reason: string, message: string, nominate?: string | null): void {
    const cur = podScheduled(pi);
    const nominatedNow =
      ((pi.pod['status'] as Obj | undefined)?.['nominatedNodeName'] as string | undefined) ?? '';
    const nominationSame = nominate === undefined || (nominate ?? '') === nominatedNow;
    const same = cur?.['status'] === 'False' && cur['reason'] === reason && cur['message'] === message;
    if (same && nominationSame) return;
    const condition: Obj = {
      type: 'PodScheduled',
      status: 'False',
      reason,
      message,
      lastProbeTime: null,
      lastTransitionTime:
        cur?.['status'] === 'False' && cur['lastTransitionTime'] ? cur['lastTransitionTime'] : now(),
    };
    const patch: Obj = { conditions: [condition] };
    if (nominate !== undefined) patch['nominatedNodeName'] = nominate;
    void this.patchStatus(pi, patch);
  }

  clearNomination(pi: PodInfo): void {
    void this.patchStatus(pi, { nominatedNodeName: null });
  }

  /** Deletes the victims of a preemption, marking each as preempted first. */
  evict(preemptor: PodInfo, nodeName: string, victims: readonly PodInfo[]): void {
    for (const v of victims) {
      void (async () => {
        try {
          await this.patchStatus(v, {
            conditions: [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'PreemptionByScheduler',
                message: `${this.schedulerName}: preempting to accommodate a higher priority pod`,
                lastTransitionTime: now(),
              },
            ],
          });
          await this.pods.delete(v.namespace, v.name, v.uid ? { preconditions: { uid: v.uid } } : {});
          this.recorder.event(
            podRef(v.pod),
            'Normal',
            'Preempted',
            `Preempted by pod ${preemptor.uid} on node ${nodeName}`,
          );
        } catch (err) {
          if (!(err instanceof ApiStatusError && err.code === 404))
            this.log(`preempting ${v.key}: ${(err as Error).message}`);
        }
      })();
    }
  }

  private async patchStatus(pi: PodInfo, status: Obj): Promise<void> {
    try {
      await this.pods.patch(pi.namespace, pi.name, { status }, 'strategic', { subresource: 'status' });
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.code === 404))
        this.log(`updating status of ${pi.key}: ${(err as Error).message}`);
    }
  }
}
