/**
 * The in-process reference: the scheduler's decision loop alone, without the API server:
 * the same 5,000 nodes and pod shapes in a SchedulerCache, each pod decided and assumed
 * as the scheduler does, binding treated as instant. Its rate is the ceiling the scheduler
 * itself puts on throughput; the gap to the end-to-end figure is the API's share.
 */

import type { KObject } from '../../src/registry/types.js';
import { Algorithm } from '../../src/scheduler/algorithm.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { newPodInfo } from '../../src/scheduler/pod-info.js';
import { defaultProfile } from '../../src/scheduler/profile.js';
import type { ScenarioName } from './options.js';
import { nodeBody, podBodies } from './workloads.js';

export interface CoreResult {
  decisionsPerSecond: number;
  /** Decisions per second of CPU time used (steadier than wall time on a shared machine). */
  decisionsPerCpuSecond: number;
  unschedulable: number;
}

export function coreRate(scenario: ScenarioName, nodes: number, pods: number): CoreResult {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) cache.setNode(JSON.parse(nodeBody(i)) as KObject);
  const body = podBodies(scenario);
  const objects: KObject[] = [];
  for (let i = 0; i < pods; i++) {
    const o = JSON.parse(body(i)) as KObject;
    o.metadata!.namespace = 'default';
    o.metadata!.uid = `uid-${i}`;
    objects.push(o);
  }
  const algo = new Algorithm(defaultProfile());
  let unschedulable = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const o of objects) {
    // Parsing the pod is part of the scheduler's work per pod (it happens on the informer event).
    const pi = newPodInfo(o);
    const d = algo.schedule(cache, pi);
    if (d.kind === 'fit') cache.assume(pi, d.node.name);
    else unschedulable++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { decisionsPerSecond: pods / seconds, decisionsPerCpuSecond: pods / cpuSeconds, unschedulable };
}
