/** Validation of the containers of a pod spec (Pods and pod templates). Pure. */
import type { FieldError } from '../../../api/validation/index.js';

type Obj = Record<string, unknown>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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
