/**
 * The Service strategy's prepare steps for its linked address fields, as kube-apiserver
 * does them: clusterIP and clusterIPs kept in step; on update, values the server allocated
 * carried over when the client left them out (a re-applied manifest without clusterIP or
 * nodePort keeps them), and fields that the new type no longer uses cleared when the
 * client did not change them (NodePort -> ClusterIP drops nodePorts, any type ->
 * ExternalName drops the ClusterIPs), so that their values are released.
 * Pure: mutates only the object handed in.
 */
import { deepEqual } from '../../util/deep-equal.js';
import type { KObject } from '../types.js';
import {
  clusterIPOf,
  clusterIPsOf,
  externallyAccessible,
  healthCheckNodePortOf,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  type Obj,
  portNumber,
  portsOf,
  specOf,
  typeOf,
} from './fields.js';

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function spec(svc: KObject): Obj {
  if (!svc['spec'] || typeof svc['spec'] !== 'object') svc['spec'] = {};
  return svc['spec'] as Obj;
}

function setClusterIPs(svc: KObject, ips: string[] | undefined): void {
  if (ips === undefined) delete spec(svc)['clusterIPs'];
  else spec(svc)['clusterIPs'] = ips;
}

/** On create: clients that set only clusterIP get clusterIPs = [clusterIP]. */
export function prepareServiceCreate(svc: KObject): void {
  if (clusterIPOf(svc) !== '' && clusterIPsOf(svc).length === 0) setClusterIPs(svc, [clusterIPOf(svc)]);
}

/** On update, in upstream's order: carry allocated values, sync the two fields, drop unused ones. */
export function prepareServiceUpdate(svc: KObject, old: KObject): void {
  patchAllocatedValues(svc, old);
  normalizeClusterIPs(svc, old);
  dropTypeDependentFields(svc, old);
}

function patchAllocatedValues(svc: KObject, old: KObject): void {
  const s = spec(svc);
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (clusterIPOf(svc) === '' && clusterIPOf(old) !== '') s['clusterIP'] = clusterIPOf(old);
    if (clusterIPsOf(svc).length === 0 && clusterIPsOf(old).length > 0) s['clusterIPs'] = clusterIPsOf(old);
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const inNew = new Set(portsOf(svc).map((p) => portNumber(p['nodePort'])));
    const byName = new Map<string, number>();
    for (const p of portsOf(old)) byName.set(String(p['name'] ?? ''), portNumber(p['nodePort']));
    for (const p of portsOf(svc)) {
      if (portNumber(p['nodePort'])) continue;
      const was = byName.get(String(p['name'] ?? '')) ?? 0;
      // A value the client moved to another port is not patched in twice.
      if (was && !inNew.has(was)) p['nodePort'] = was;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc) && healthCheckNodePortOf(svc) === 0) {
    const hc = healthCheckNodePortOf(old);
    if (hc) s['healthCheckNodePort'] = hc;
  }
}

function normalizeClusterIPs(svc: KObject, old: KObject): void {
  const oldIPs = clusterIPsOf(old);
  // A client that does not know clusterIPs sent the same clusterIP without it.
  if (oldIPs.length > 0 && clusterIPsOf(svc).length === 0 && clusterIPOf(old) === clusterIPOf(svc)) {
    setClusterIPs(svc, oldIPs);
  }
  if (clusterIPOf(old) === clusterIPOf(svc)) return;
  if (!sameList(oldIPs, clusterIPsOf(svc))) return;
  // clusterIP changed but clusterIPs did not: the client meant clusterIP.
  if (clusterIPOf(old) !== '' && clusterIPOf(svc) === '') setClusterIPs(svc, undefined);
  else setClusterIPs(svc, [clusterIPOf(svc)]);
}

function nodePortSet(svc: KObject): Set<number> {
  return new Set(portsOf(svc).map((p) => portNumber(p['nodePort'])));
}

function dropTypeDependentFields(svc: KObject, old: KObject): void {
  const s = spec(svc);
  const o = specOf(old);
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (clusterIPOf(old) === clusterIPOf(svc) && sameList(clusterIPsOf(old), clusterIPsOf(svc))) {
      delete s['clusterIP'];
      delete s['clusterIPs'];
    }
    if (deepEqual(o['ipFamilies'], s['ipFamilies'])) delete s['ipFamilies'];
    if (o['ipFamilyPolicy'] === s['ipFamilyPolicy']) delete s['ipFamilyPolicy'];
  }
  if (needsNodePort(old) && !needsNodePort(svc)) {
    const before = nodePortSet(old);
    // Unchanged when the client added no nodePort of its own.
    if ([...nodePortSet(svc)].every((np) => np === 0 || before.has(np))) {
      for (const p of portsOf(svc)) delete p['nodePort'];
    }
  }
  if (
    needsHealthCheck(old) &&
    !needsHealthCheck(svc) &&
    healthCheckNodePortOf(old) === healthCheckNodePortOf(svc)
  ) {
    delete s['healthCheckNodePort'];
  }
  if (typeOf(old) === 'LoadBalancer' && typeOf(svc) !== 'LoadBalancer') {
    const was = o['allocateLoadBalancerNodePorts'];
    if (was !== undefined && was === s['allocateLoadBalancerNodePorts'])
      delete s['allocateLoadBalancerNodePorts'];
    if (o['loadBalancerClass'] === s['loadBalancerClass']) delete s['loadBalancerClass'];
  }
  if (externallyAccessible(old) && !externallyAccessible(svc)) {
    if (o['externalTrafficPolicy'] === s['externalTrafficPolicy']) delete s['externalTrafficPolicy'];
  }
  // A load balancer's status goes with the type.
  const status = svc['status'];
  if (typeOf(svc) !== 'LoadBalancer' && status && typeof status === 'object') {
    const lb = (status as Obj)['loadBalancer'];
    if (lb && typeof lb === 'object' && Object.keys(lb).length > 0) (status as Obj)['loadBalancer'] = {};
  }
}
