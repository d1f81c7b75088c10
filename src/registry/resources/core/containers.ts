/**
 * Validation of the containers of a pod spec (Pods and pod templates): names, images,
 * ports, and container restartPolicy (sidecars). Pure.
 */
import type { FieldError } from '../../../api/validation/index.js';

type Obj = Record<string, unknown>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const INIT_ONLY_WITH_ALWAYS = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'];

/**
 * A container's restartPolicy: only `Always`, only on init containers (a sidecar). Init
 * containers that are not sidecars may not have lifecycle hooks or probes.
 */
function restartPolicyErrors(c: Obj, p: string, init: boolean): FieldError[] {
  const rp = c['restartPolicy'];
  if (!init) {
    if (rp === undefined || rp === null) return [];
    return [
      {
        type: 'FieldValueForbidden',
        field: `${p}.restartPolicy`,
        detail: 'may not be set for non-init containers',
      },
    ];
  }
  const errs: FieldError[] = [];
  if (rp !== undefined && rp !== null && rp !== 'Always')
    errs.push({
      type: 'FieldValueNotSupported',
      field: `${p}.restartPolicy`,
      value: rp,
      detail: 'supported values: "Always"',
    });
  if (rp !== 'Always')
    for (const f of INIT_ONLY_WITH_ALWAYS)
      if (c[f] !== undefined && c[f] !== null)
        errs.push({
          type: 'FieldValueForbidden',
          field: `${p}.${f}`,
          detail: 'may not be set for init containers without restartPolicy=Always',
        });
  return errs;
}

export function validateContainers(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) {
    errs.push({ type: 'FieldValueRequired', field: `${path}.containers`, detail: '' });
  }
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c: unknown, i) => {
      const p = `${path}.${list}[${i}]`;
      const co = (c ?? {}) as Obj;
      const name = co['name'];
      if (typeof name !== 'string' || name === '') {
        errs.push({ type: 'FieldValueRequired', field: `${p}.name`, detail: '' });
      } else if (!DNS_LABEL.test(name) || name.length > 63) {
        errs.push({
          type: 'FieldValueInvalid',
          field: `${p}.name`,
          value: name,
          detail:
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        });
      } else if (names.has(name)) {
        errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: name, detail: '' });
      } else {
        names.add(name);
      }
      if (typeof co['image'] !== 'string' || co['image'].trim() === '') {
        errs.push({ type: 'FieldValueRequired', field: `${p}.image`, detail: '' });
      }
      errs.push(...restartPolicyErrors(co, p, list === 'initContainers'));
      const ports = co['ports'];
      if (Array.isArray(ports)) {
        ports.forEach((port: unknown, j) => {
          const n = (port as Obj | null)?.['containerPort'];
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
            errs.push({
              type: 'FieldValueInvalid',
              field: `${p}.ports[${j}].containerPort`,
              value: n ?? 0,
              detail: 'must be between 1 and 65535, inclusive',
            });
          }
        });
      }
    });
  }
  const rp = spec['restartPolicy'];
  if (rp !== undefined && rp !== 'Always' && rp !== 'OnFailure' && rp !== 'Never') {
    errs.push({
      type: 'FieldValueNotSupported',
      field: `${path}.restartPolicy`,
      value: rp,
      detail: 'supported values: "Always", "Never", "OnFailure"',
    });
  }
  return errs;
}
