/**
 * Every resource the registry serves: the specific strategies where a kind has rules of
 * its own, and for the rest a plain or spec/status strategy chosen from the table.
 */
import { RESOURCES } from '../../api/resources.js';
import { col, field, printer } from '../printers/columns.js';
import { plain, specStatus } from '../strategies/generic.js';
import type { ResourceDef } from '../types.js';
import { workloadDefs } from './apps/workloads.js';
import { hpaDefs } from './autoscaling/hpa.js';
import { jobDefs } from './batch/jobs.js';
import { namespacesDef } from './core/namespaces.js';
import { podsDef } from './core/pods.js';
import { servicesDef } from './core/services.js';
import { simpleCoreDefs } from './core/simple.js';
import { ingressDefs } from './networking/ingresses.js';
import { rbacDefs } from './rbac/rbac.js';
import { storageClassesDef } from './storage/storage-classes.js';

const key = (d: { info: { group: string; version: string; plural: string } }) =>
  `${d.info.group}/${d.info.version}/${d.info.plural}`;

/** Review resources are answered, never stored (see apiserver/reviews). */
const NOT_STORED = new Set([
  'selfsubjectreviews',
  'tokenreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'subjectaccessreviews',
]);

export function resourceDefs(): ResourceDef[] {
  const specific = new Map<string, ResourceDef>();
  for (const d of [
    namespacesDef(),
    podsDef(),
    servicesDef(),
    ...simpleCoreDefs(),
    ...workloadDefs(),
    ...jobDefs(),
    ...hpaDefs(),
    ...ingressDefs(),
    ...rbacDefs(),
    storageClassesDef(),
  ]) {
    specific.set(key(d), d);
  }
  const leases = printer([
    {
      column: col('Holder', 'string', 'The holder of the lease'),
      cell: (o) => field(o, 'spec.holderIdentity') ?? '',
    },
  ]);
  return RESOURCES.filter((r) => !NOT_STORED.has(r.plural)).map((info) => {
    const found = specific.get(key({ info }));
    if (found) return found;
    if (info.plural === 'leases') return plain(info, { printer: leases, allowUnconditionalUpdate: false });
    return info.subresources?.some((s) => s.name === 'status') ? specStatus(info) : plain(info);
  });
}
