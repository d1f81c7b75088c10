/**
 * From a container's resources to the Linux settings the runtime applies, as the
 * kubelet computes them: CPU shares from requests (limits when no request; minimum 2),
 * a CFS quota from the CPU limit over a 100 ms period, the memory limit in bytes, and
 * the OOM score adjustment of the pod's QoS class. Pure.
 */
import { milliValueOf, unitValueOf } from '../../api/quantity/index.js';
import type { KObject } from '../../registry/types.js';
import type { LinuxContainerResources } from '../cri/types.js';

type Obj = Record<string, unknown>;

const PERIOD = 100_000;

function res(container: Obj, kind: 'requests' | 'limits', name: string): unknown {
  return ((container['resources'] as Obj | undefined)?.[kind] as Obj | undefined)?.[name];
}

export function qosClass(pod: KObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const q = (pod['status'] as Obj | undefined)?.['qosClass'];
  if (q === 'Guaranteed' || q === 'Burstable' || q === 'BestEffort') return q;
  return 'Burstable';
}

export function linuxResources(
  pod: KObject,
  container: Obj,
  memoryCapacity: number,
): LinuxContainerResources {
  const reqCpu = res(container, 'requests', 'cpu') ?? res(container, 'limits', 'cpu');
  const limCpu = res(container, 'limits', 'cpu');
  const limMem = res(container, 'limits', 'memory');
  const reqMem = res(container, 'requests', 'memory');
  const out: LinuxContainerResources = {
    cpu_shares: reqCpu === undefined ? 2 : Math.max(2, Math.floor((milliValueOf(reqCpu) * 1024) / 1000)),
    cpu_period: PERIOD,
  };
  if (limCpu !== undefined)
    out.cpu_quota = Math.max(1000, Math.floor((milliValueOf(limCpu) * PERIOD) / 1000));
  if (limMem !== undefined) out.memory_limit_in_bytes = unitValueOf(limMem);
  const qos = qosClass(pod);
  if (qos === 'Guaranteed') out.oom_score_adj = -997;
  else if (qos === 'BestEffort') out.oom_score_adj = 1000;
  else {
    const req = reqMem === undefined ? 0 : unitValueOf(reqMem);
    const adj = 1000 - Math.floor((1000 * req) / Math.max(1, memoryCapacity));
    out.oom_score_adj = Math.min(999, Math.max(2, adj));
  }
  return out;
}
