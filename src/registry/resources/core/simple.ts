/**
 * Core resources whose rules are small: ConfigMaps, Secrets, ServiceAccounts, Endpoints,
 * Events (kept for one hour), Nodes (status may be set on create), PersistentVolumes and
 * claims, and the rest with their kubectl columns. Claims, quotas and LimitRanges have
 * their quantities checked (./quantity-fields.ts, ./resource-validation.ts).
 */
import { findResource } from '../../../api/resources.js';
import { age } from '../../printers/age.js';
import { col, field, printer } from '../../printers/columns.js';
import { plain, specStatus } from '../../strategies/generic.js';
import type { KObject, Printer, ResourceDef } from '../../types.js';
import { checkQuantities } from './quantity-fields.js';
import {
  validateClaimResources,
  validateLimitRangeResources,
  validateQuotaResources,
} from './resource-validation.js';

type Obj = Record<string, unknown>;
const core = (plural: string) => findResource('', 'v1', plural)!;
const count = (o: unknown) => (o && typeof o === 'object' ? Object.keys(o).length : 0);
const str = (v: unknown, dflt = '<none>') =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : dflt;

const EVENT_PRINTER: Printer = {
  columns: [
    col('Last Seen', 'string', 'Time since the event was last seen'),
    col('Type', 'string', 'Type of this event (Normal, Warning)'),
    col('Reason', 'string', 'Why the action was taken'),
    col('Object', 'string', 'The object this event is about'),
    col('Message', 'string', 'A human-readable description of the status of this operation'),
  ],
  cells(o, now) {
    const inv = (o['involvedObject'] ?? {}) as Obj;
    const last =
      (o['lastTimestamp'] as string) || (o['eventTime'] as string) || o.metadata?.creationTimestamp;
    return [
      age(last, now),
      str(o['type'], ''),
      str(o['reason'], ''),
      `${String(inv['kind'] ?? '').toLowerCase()}/${str(inv['name'], '')}`,
      str(o['message'], ''),
    ];
  },
};

function nodeStatus(o: KObject): string {
  const conds = (field(o, 'status.conditions') as Obj[] | undefined) ?? [];
  const ready = conds.find((c) => c['type'] === 'Ready');
  let s = ready ? (ready['status'] === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
  if (field(o, 'spec.unschedulable') === true) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: KObject): string {
  const roles = Object.keys(o.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(o: KObject, type: string): string {
  const addrs = (field(o, 'status.addresses') as Obj[] | undefined) ?? [];
  return str(addrs.find((a) => a['type'] === type)?.['address']);
}

const nodeInfo = (o: KObject, key: string) => str(field(o, `status.nodeInfo.${key}`), '<unknown>');
const ADDRESSES = 'List of addresses reachable to the node.';
const NODE_COLUMNS = printer(
  [
    { column: col('Status', 'string', 'The status of the node'), cell: nodeStatus },
    { column: col('Roles', 'string', 'The roles of the node'), cell: nodeRoles },
  ],
  [
    { column: col('Internal-IP', 'string', ADDRESSES), cell: (o) => nodeAddress(o, 'InternalIP') },
    { column: col('External-IP', 'string', ADDRESSES), cell: (o) => nodeAddress(o, 'ExternalIP') },
    {
      column: col('OS-Image', 'string', 'OS Image reported by the node.'),
      cell: (o) => nodeInfo(o, 'osImage'),
    },
    {
      column: col('Kernel-Version', 'string', 'Kernel Version reported by the node.'),
      cell: (o) => nodeInfo(o, 'kernelVersion'),
    },
    {
      column: col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node.'),
      cell: (o) => nodeInfo(o, 'containerRuntimeVersion'),
    },
  ],
);

/** kubectl's node columns: Version comes right after Age and is always shown. */
const NODE_PRINTER: Printer = {
  columns: [
    ...NODE_COLUMNS.columns.slice(0, 4),
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    ...NODE_COLUMNS.columns.slice(4),
  ],
  cells: (o, now) => {
    const c = NODE_COLUMNS.cells(o, now);
    return [...c.slice(0, 4), str(field(o, 'status.nodeInfo.kubeletVersion'), ''), ...c.slice(4)];
  },
};

function endpointsCell(o: KObject): string {
  const out: string[] = [];
  for (const s of (o['subsets'] as Obj[] | undefined) ?? []) {
    const ports = (s['ports'] as Obj[] | undefined) ?? [];
    for (const a of (s['addresses'] as Obj[] | undefined) ?? []) {
      if (ports.length === 0) out.push(String(a['ip']));
      for (const p of ports) out.push(`${a['ip']}:${p['port']}`);
    }
  }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

export function simpleCoreDefs(): ResourceDef[] {
  return [
    plain(core('configmaps'), {
      printer: printer([
        {
          column: col('Data', 'integer', 'Number of entries'),
          cell: (o) => count(o['data']) + count(o['binaryData']),
        },
      ]),
    }),
    plain(core('secrets'), {
      defaults: (o) => {
        o['type'] ??= 'Opaque';
        // As the API's conversion does: stringData is written into data and never stored.
        const plain = o['stringData'] as Record<string, unknown> | undefined;
        if (plain && typeof plain === 'object') {
          const data = { ...((o['data'] as Record<string, string> | undefined) ?? {}) };
          for (const [k, v] of Object.entries(plain)) data[k] = Buffer.from(String(v)).toString('base64');
          o['data'] = data;
        }
        delete o['stringData'];
      },
      printer: printer([
        { column: col('Type', 'string', 'The type of the secret'), cell: (o) => str(o['type'], '') },
        { column: col('Data', 'integer', 'Number of entries'), cell: (o) => count(o['data']) },
      ]),
    }),
    plain(core('serviceaccounts'), {
      printer: printer([
        {
          column: col('Secrets', 'integer', 'Number of secrets'),
          cell: (o) => ((o['secrets'] as unknown[]) ?? []).length,
        },
      ]),
    }),
    plain(core('endpoints'), {
      allowCreateOnUpdate: true,
      printer: printer([
        { column: col('Endpoints', 'string', 'Endpoints of the service'), cell: endpointsCell },
      ]),
    }),
    plain(core('events'), { ttlSeconds: () => 3600, allowCreateOnUpdate: true, printer: EVENT_PRINTER }),
    plain(core('podtemplates'), { defaults: (o) => checkQuantities('PodTemplate', 'v1', o) }),
    plain(core('limitranges'), {
      defaults: (o) => checkQuantities('LimitRange', 'v1', o),
      validate: validateLimitRangeResources,
    }),
    specStatus(core('resourcequotas'), {
      defaults: (o) => checkQuantities('ResourceQuota', 'v1', o),
      validate: validateQuotaResources,
    }),
    specStatus(core('nodes'), {
      statusOnCreate: true,
      allowUnconditionalUpdate: true,
      printer: NODE_PRINTER,
    }),
    specStatus(core('persistentvolumes'), {
      initialStatus: () => ({ phase: 'Pending' }),
      printer: printer([
        {
          column: col('Capacity', 'string', 'Capacity'),
          cell: (o) => str(field(o, 'spec.capacity.storage')),
        },
        { column: col('Status', 'string', 'Phase'), cell: (o) => str(field(o, 'status.phase'), '') },
        {
          column: col('StorageClass', 'string', 'Storage class'),
          cell: (o) => str(field(o, 'spec.storageClassName')),
        },
      ]),
    }),
    specStatus(core('persistentvolumeclaims'), {
      defaults: (o) => checkQuantities('PersistentVolumeClaim', 'v1', o),
      validate: validateClaimResources,
      initialStatus: () => ({ phase: 'Pending' }),
      printer: printer([
        { column: col('Status', 'string', 'Phase'), cell: (o) => str(field(o, 'status.phase'), '') },
        {
          column: col('Volume', 'string', 'Bound volume'),
          cell: (o) => str(field(o, 'spec.volumeName'), ''),
        },
        {
          column: col('Capacity', 'string', 'Capacity'),
          cell: (o) => str(field(o, 'status.capacity.storage'), ''),
        },
        {
          column: col('StorageClass', 'string', 'Storage class'),
          cell: (o) => str(field(o, 'spec.storageClassName')),
        },
      ]),
    }),
  ];
}
