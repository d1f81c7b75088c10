/**
 * Ingresses and IngressClasses: validation of the rules a controller relies on (pathType
 * required and known, absolute paths for Exact and Prefix, one kind of backend, a service
 * port by number or by name), and kubectl's columns (CLASS, HOSTS, ADDRESS, PORTS;
 * CONTROLLER, PARAMETERS), in kube-apiserver's words.
 */
import { findResource } from '../../../api/resources.js';
import { type FieldError, notSupported } from '../../../api/validation/index.js';
import { col, field, printer } from '../../printers/columns.js';
import { plain, specStatus } from '../../strategies/generic.js';
import type { KObject, ResourceDef } from '../../types.js';

type Obj = Record<string, unknown>;

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function backendErrors(b: Obj | undefined, path: string): FieldError[] {
  if (!b) return [];
  const service = b['service'] as Obj | undefined;
  const resource = b['resource'] as Obj | undefined;
  if (service && resource) {
    return [
      {
        type: 'FieldValueInvalid',
        field: path,
        value: '',
        detail: 'cannot set both resource and service backends',
      },
    ];
  }
  if (!service && !resource)
    return [
      {
        type: 'FieldValueInvalid',
        field: path,
        value: '',
        detail: 'resource or service backend is required',
      },
    ];
  if (!service) return [];
  const errs: FieldError[] = [];
  if (typeof service['name'] !== 'string' || service['name'] === '')
    errs.push({ type: 'FieldValueRequired', field: `${path}.service.name`, detail: '' });
  const port = (service['port'] ?? {}) as Obj;
  const hasName = typeof port['name'] === 'string' && port['name'] !== '';
  const hasNumber = port['number'] !== undefined && port['number'] !== 0;
  if (hasName && hasNumber) {
    errs.push({
      type: 'FieldValueInvalid',
      field: `${path}.service.port`,
      value: '',
      detail: 'cannot set both port name & port number',
    });
  } else if (!hasName && !hasNumber) {
    errs.push({
      type: 'FieldValueInvalid',
      field: `${path}.service.port`,
      value: '',
      detail: 'port name or number is required',
    });
  } else if (hasNumber) {
    const n = port['number'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
      errs.push({
        type: 'FieldValueInvalid',
        field: `${path}.service.port.number`,
        value: n,
        detail: 'must be between 1 and 65535, inclusive',
      });
  }
  return errs;
}

function validateIngress(o: KObject): FieldError[] {
  const spec = (o['spec'] ?? {}) as Obj;
  const errs: FieldError[] = [];
  const rules = Array.isArray(spec['rules']) ? (spec['rules'] as Obj[]) : [];
  if (rules.length === 0 && !spec['defaultBackend']) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.rules',
      value: '[]',
      detail: 'either `defaultBackend` or `rules` must be specified',
    });
  }
  errs.push(...backendErrors(spec['defaultBackend'] as Obj | undefined, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const paths = ((rule['http'] as Obj | undefined)?.['paths'] as Obj[] | undefined) ?? [];
    paths.forEach((p, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      const type = p['pathType'];
      const path = p['path'];
      if (type === undefined || type === '') {
        errs.push({
          type: 'FieldValueRequired',
          field: `${at}.pathType`,
          detail: 'pathType must be specified',
        });
      } else if (!PATH_TYPES.includes(type as string)) {
        errs.push(notSupported(`${at}.pathType`, type, PATH_TYPES));
      } else if (
        (type === 'Exact' || type === 'Prefix') &&
        (typeof path !== 'string' || !path.startsWith('/'))
      ) {
        errs.push({
          type: 'FieldValueInvalid',
          field: `${at}.path`,
          value: path ?? '',
          detail: 'must be an absolute path',
        });
      }
      errs.push(...backendErrors(p['backend'] as Obj | undefined, `${at}.backend`));
    });
  });
  return errs;
}

function hostsCell(o: KObject): string {
  const rules = (field(o, 'spec.rules') as Obj[] | undefined) ?? [];
  const hosts = rules.map((r) => r['host']).filter((h): h is string => typeof h === 'string' && h !== '');
  if (hosts.length === 0) return '*';
  const shown = hosts.slice(0, 4).join(',');
  return hosts.length > 4 ? `${shown} + ${hosts.length - 4} more...` : shown;
}

function addressCell(o: KObject): string {
  const ingress = (field(o, 'status.loadBalancer.ingress') as Obj[] | undefined) ?? [];
  return ingress
    .map((i) => (i['ip'] ?? i['hostname'] ?? '') as string)
    .filter((a) => a !== '')
    .join(',');
}

export function ingressDefs(): ResourceDef[] {
  const ingresses = specStatus(findResource('networking.k8s.io', 'v1', 'ingresses')!, {
    validate: validateIngress,
    printer: printer([
      {
        column: col('Class', 'string', 'The name of the IngressClass resource.'),
        cell: (o) => field(o, 'spec.ingressClassName') ?? '<none>',
      },
      {
        column: col('Hosts', 'string', 'Hosts that incoming requests are matched against.'),
        cell: hostsCell,
      },
      {
        column: col('Address', 'string', 'Address is a list of IP addresses of the load balancer.'),
        cell: addressCell,
      },
      {
        column: col('Ports', 'string', 'Ports of TLS configurations that open'),
        cell: (o) => (((field(o, 'spec.tls') as unknown[] | undefined) ?? []).length > 0 ? '80, 443' : '80'),
      },
    ]),
  });
  const classes = plain(findResource('networking.k8s.io', 'v1', 'ingressclasses')!, {
    printer: printer([
      {
        column: col('Controller', 'string', 'Controller that is responsible for handling this class'),
        cell: (o) => field(o, 'spec.controller') ?? '',
      },
      {
        column: col('Parameters', 'string', 'A reference to a resource with additional parameters'),
        cell: (o) => {
          const p = field(o, 'spec.parameters') as Obj | undefined;
          if (!p) return '<none>';
          const group = p['apiGroup'] ? `.${p['apiGroup']}` : '';
          return `${p['kind']}${group}/${p['name']}`;
        },
      },
    ]),
  });
  return [ingresses, classes];
}
