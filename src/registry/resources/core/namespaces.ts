/**
 * Namespaces: Active on create with the `kubernetes` finalizer; deleting one marks it
 * Terminating until its spec.finalizers are emptied (through /finalize) by the namespace
 * controller, which first deletes everything in it.
 */
import { findResource } from '../../../api/resources.js';
import { col, printer } from '../../printers/columns.js';
import { specStatus } from '../../strategies/generic.js';
import type { KObject, ResourceDef } from '../../types.js';

type Obj = Record<string, unknown>;

function specFinalizers(obj: KObject): string[] {
  const f = (obj['spec'] as Obj | undefined)?.['finalizers'];
  return Array.isArray(f) ? (f as string[]) : [];
}

export function namespacesDef(): ResourceDef {
  const def = specStatus(findResource('', 'v1', 'namespaces')!, {
    nameRule: 'label',
    allowUnconditionalUpdate: true,
    defaults(obj) {
      const spec = (obj['spec'] ?? {}) as Obj;
      obj['spec'] = spec;
      const m = obj.metadata!;
      // The name label every namespace carries (kubernetes.io/metadata.name).
      if (m.name) m.labels = { ...(m.labels ?? {}), 'kubernetes.io/metadata.name': m.name };
    },
    prepareForCreate(obj) {
      (obj['spec'] as Obj)['finalizers'] = ['kubernetes'];
    },
    initialStatus: () => ({ phase: 'Active' }),
    prepareForUpdate(obj, old) {
      // spec.finalizers change only through /finalize.
      (obj['spec'] as Obj)['finalizers'] = specFinalizers(old);
    },
    extraFinalizers: specFinalizers,
    prepareForDelete(obj) {
      obj['status'] = { ...((obj['status'] as Obj) ?? {}), phase: 'Terminating' };
    },
    printer: printer([
      {
        column: col('Status', 'string', 'The status of the namespace'),
        cell: (o) => (o['status'] as Obj | undefined)?.['phase'] ?? '',
      },
    ]),
  });
  return def;
}
