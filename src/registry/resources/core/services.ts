/**
 * Services: defaults (type, ports, session affinity), validation of ports and of the address
 * fields, the prepare steps that keep allocated addresses across updates (../../services/),
 * and kubectl's columns. The addresses themselves are allocated by the registry's
 * ServiceAllocator when a write begins.
 */

import { findResource } from '../../../api/resources.js';
import type { FieldError } from '../../../api/validation/index.js';
import { col, printer } from '../../printers/columns.js';
import { prepareServiceCreate, prepareServiceUpdate } from '../../services/prepare.js';
import { validateServiceAddresses, validateServiceAddressesUpdate } from '../../services/validation.js';
import { specStatus } from '../../strategies/generic.js';
import type { KObject, ResourceDef } from '../../types.js';

type Obj = Record<string, unknown>;

function defaults(obj: KObject): void {
  const spec = (obj['spec'] ?? {}) as Obj;
  obj['spec'] = spec;
  spec['type'] ??= 'ClusterIP';
  spec['sessionAffinity'] ??= 'None';
  if (spec['type'] !== 'ExternalName') {
    spec['ipFamilies'] ??= ['IPv4'];
    spec['ipFamilyPolicy'] ??= 'SingleStack';
    spec['internalTrafficPolicy'] ??= 'Cluster';
  }
  if (
    (spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer') &&
    spec['externalTrafficPolicy'] === undefined
  ) {
    spec['externalTrafficPolicy'] = 'Cluster';
  }
  if (spec['type'] === 'LoadBalancer') spec['allocateLoadBalancerNodePorts'] ??= true;
  if (Array.isArray(spec['ports'])) {
    for (const p of spec['ports'] as Obj[]) {
      p['protocol'] ??= 'TCP';
      if (p['targetPort'] === undefined) p['targetPort'] = p['port'];
    }
  }
}

function validate(obj: KObject): FieldError[] {
  const spec = (obj['spec'] ?? {}) as Obj;
  const errs: FieldError[] = [];
  const type = spec['type'];
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type as string)) {
    errs.push({
      type: 'FieldValueNotSupported',
      field: 'spec.type',
      value: type,
      detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    });
  }
  const ports = spec['ports'];
  if (
    type !== 'ExternalName' &&
    spec['clusterIP'] !== 'None' &&
    (!Array.isArray(ports) || ports.length === 0)
  ) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.ports', detail: '' });
  }
  if (Array.isArray(ports)) {
    ports.forEach((p: Obj, i) => {
      const n = p['port'];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
        errs.push({
          type: 'FieldValueInvalid',
          field: `spec.ports[${i}].port`,
          value: n ?? 0,
          detail: 'must be between 1 and 65535, inclusive',
        });
      }
      if (ports.length > 1 && !p['name'])
        errs.push({ type: 'FieldValueRequired', field: `spec.ports[${i}].name`, detail: '' });
    });
  }
  return [...errs, ...validateServiceAddresses(obj)];
}

function portsCell(o: KObject): string {
  const spec = (o['spec'] ?? {}) as Obj;
  const ports = (spec['ports'] as Obj[] | undefined) ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) =>
      p['nodePort'] ? `${p['port']}:${p['nodePort']}/${p['protocol']}` : `${p['port']}/${p['protocol']}`,
    )
    .join(',');
}

function externalIP(o: KObject): string {
  const spec = (o['spec'] ?? {}) as Obj;
  const ingress =
    (((o['status'] as Obj | undefined)?.['loadBalancer'] as Obj | undefined)?.['ingress'] as Obj[]) ?? [];
  const ips = [
    ...((spec['externalIPs'] as string[]) ?? []),
    ...ingress.map((i) => (i['ip'] ?? i['hostname']) as string),
  ];
  if (spec['type'] === 'ExternalName') return (spec['externalName'] as string) ?? '<none>';
  if (ips.length > 0) return ips.join(',');
  return spec['type'] === 'LoadBalancer' ? '<pending>' : '<none>';
}

function selectorCell(o: KObject): string {
  const sel = (o['spec'] as Obj | undefined)?.['selector'] as Record<string, string> | undefined;
  if (!sel || Object.keys(sel).length === 0) return '<none>';
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function servicesDef(): ResourceDef {
  return specStatus(findResource('', 'v1', 'services')!, {
    nameRule: 'dns1035',
    defaults,
    prepareForCreate: prepareServiceCreate,
    prepareForUpdate: prepareServiceUpdate,
    validate,
    validateUpdate: validateServiceAddressesUpdate,
    printer: printer(
      [
        {
          column: col('Type', 'string', 'The type of the service.'),
          cell: (o) => (o['spec'] as Obj | undefined)?.['type'] ?? '',
        },
        {
          column: col('Cluster-IP', 'string', 'The IP address of the service.'),
          cell: (o) => ((o['spec'] as Obj | undefined)?.['clusterIP'] as string) || '<none>',
        },
        {
          column: col('External-IP', 'string', 'The external IP addresses of the service.'),
          cell: externalIP,
        },
        { column: col('Port(s)', 'string', 'The ports of the service.'), cell: portsCell },
      ],
      [{ column: col('Selector', 'string', 'The label selector of the service.'), cell: selectorCell }],
    ),
  });
}
