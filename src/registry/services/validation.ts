/**
 * Validation of a Service's address fields with upstream's rules and messages:
 * clusterIP/clusterIPs/ipFamilies consistency (checked before anything is allocated),
 * the type rules for nodePorts and healthCheckNodePort, and on update that allocated
 * ClusterIPs and health-check ports do not change. Pure: returns field errors only.
 */
import {
  duplicate,
  type FieldError,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../api/validation/index.js';
import { parseIp } from '../../apiserver/pki/ip.js';
import type { KObject } from '../types.js';
import {
  clusterIPOf,
  clusterIPsOf,
  healthCheckNodePortOf,
  isHeadless,
  needsHealthCheck,
  portNumber,
  portsOf,
  specOf,
  typeOf,
} from './fields.js';
import { parseIPv4 } from './ip-range.js';

const BAD_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** 'IPv4', 'IPv6', or undefined when `ip` is no address (IPv4-mapped IPv6 counts as IPv4). */
export function familyOf(ip: string): 'IPv4' | 'IPv6' | undefined {
  if (parseIPv4(ip) !== undefined) return 'IPv4';
  const bytes = parseIp(ip);
  if (!bytes) return undefined;
  return bytes.length === 4 ? 'IPv4' : 'IPv6';
}

/** The checks upstream makes before allocating: the ClusterIP fields agree and hold addresses. */
export function validateAddressFields(svc: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(svc);
  portsOf(svc).forEach((p, i) => {
    const np = p['nodePort'];
    if (np !== undefined && np !== null && !Number.isInteger(np)) {
      errs.push(invalid(`spec.ports[${i}].nodePort`, np, 'must be an integer'));
    }
  });
  const hc = spec['healthCheckNodePort'];
  if (hc !== undefined && hc !== null && !Number.isInteger(hc)) {
    errs.push(invalid('spec.healthCheckNodePort', hc, 'must be an integer'));
  }
  if (typeOf(svc) === 'ExternalName') return errs;
  const clusterIP = clusterIPOf(svc);
  const ips = clusterIPsOf(svc);
  if (clusterIP !== '') {
    if (ips.length === 0) errs.push(required('spec.clusterIPs'));
    else if (ips[0] !== clusterIP)
      errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  }
  const families = Array.isArray(spec['ipFamilies']) ? (spec['ipFamilies'] as unknown[]) : [];
  const seen = new Set<unknown>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  const policy = spec['ipFamilyPolicy'];
  if (
    policy !== undefined &&
    !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(policy as string)
  ) {
    errs.push(
      notSupported('spec.ipFamilyPolicy', policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']),
    );
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    if (familyOf(ip) === undefined) {
      badIPs = true;
      errs.push(invalid(`spec.clusterIPs[${i}]`, ip, BAD_IP));
    }
  });
  if (ips.length > 2) errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length === 2 && familyOf(ips[0] ?? '') === familyOf(ips[1] ?? '')) {
    errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      const want = families[i];
      if (want !== undefined && (want === 'IPv4' || want === 'IPv6') && familyOf(ip) !== want) {
        errs.push(
          invalid(
            `spec.clusterIPs[${i}]`,
            ip,
            `expected an ${want} value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  return errs;
}

/** Every address rule of a Service, on create and update (after allocation). */
export function validateServiceAddresses(svc: KObject): FieldError[] {
  const errs = validateAddressFields(svc);
  const spec = specOf(svc);
  const type = typeOf(svc);
  if ((type === 'LoadBalancer' || type === 'NodePort') && isHeadless(svc)) {
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIPsOf(svc).length > 0)
      errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (Array.isArray(spec['ipFamilies']) && spec['ipFamilies'].length > 0) {
      errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    }
    if (spec['ipFamilyPolicy'] !== undefined) {
      errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    }
  }
  const seen = new Set<string>();
  portsOf(svc).forEach((p, i) => {
    const np = portNumber(p['nodePort']);
    if (np === 0) return;
    if (type === 'ClusterIP') {
      errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    }
    const key = `${String(p['protocol'] ?? 'TCP')}/${np}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, np));
    seen.add(key);
  });
  if (spec['allocateLoadBalancerNodePorts'] !== undefined && type !== 'LoadBalancer') {
    errs.push(
      forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"),
    );
  }
  const hc = healthCheckNodePortOf(svc);
  const rawHC = spec['healthCheckNodePort'];
  if (!needsHealthCheck(svc)) {
    if (rawHC !== undefined && rawHC !== 0) {
      errs.push(
        invalid(
          'spec.healthCheckNodePort',
          rawHC,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (rawHC === undefined || rawHC === 0) {
    errs.push(required('spec.healthCheckNodePort'));
  } else if (hc === 0 || hc > 65535) {
    errs.push(invalid('spec.healthCheckNodePort', rawHC, 'must be between 1 and 65535, inclusive'));
  }
  return errs;
}

/** Allocated values a client may not change: the ClusterIPs (unless ExternalName is involved), the health-check port. */
export function validateServiceAddressesUpdate(svc: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (
    needsHealthCheck(old) &&
    needsHealthCheck(svc) &&
    healthCheckNodePortOf(old) !== healthCheckNodePortOf(svc)
  ) {
    errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  if (typeOf(svc) === 'ExternalName' || typeOf(old) === 'ExternalName') return errs;
  if (isHeadless(svc) && isHeadless(old)) return errs;
  const was = clusterIPsOf(old);
  const now = clusterIPsOf(svc);
  const changed = () => invalid('spec.clusterIPs[0]', now, 'may not change once set');
  if (was.length === now.length) {
    was.forEach((ip, i) => {
      if (ip !== now[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, now, 'may not change once set'));
    });
  } else if (was.length > now.length) {
    if (now.length === 0) errs.push(invalid('spec.clusterIPs[0]', now, 'primary clusterIP can not be unset'));
    else if (now[0] !== was[0]) errs.push(changed());
    if (now.length === 1 && specOf(svc)['ipFamilyPolicy'] !== 'SingleStack') {
      errs.push(
        invalid(
          'spec.ipFamilyPolicy',
          specOf(svc)['ipFamilyPolicy'] ?? null,
          "must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
  } else if (was.length > 0 && now[0] !== was[0]) {
    errs.push(changed());
  }
  return errs;
}
