/**
 * Workloads of apps/v1 (Deployment, ReplicaSet, StatefulSet, DaemonSet) and the core
 * ReplicationController: defaults of the spec and its pod template, the selector rules
 * (required, matching the template's labels, immutable), and kubectl's columns.
 */

import { findResource, type ResourceInfo } from '../../../api/resources.js';
import { labelSelectorFromObject } from '../../../api/selectors/index.js';
import type { FieldError } from '../../../api/validation/index.js';
import { deepEqual } from '../../../util/deep-equal.js';
import { col, field, num, printer } from '../../printers/columns.js';
import { plain, specStatus } from '../../strategies/generic.js';
import type { KObject, ResourceDef } from '../../types.js';
import { validateContainers } from '../core/containers.js';
import { defaultTemplate } from '../core/pod-defaults.js';
import { checkPodSpecQuantities } from '../core/quantity-fields.js';
import { validatePodSpecResources } from '../core/resource-validation.js';

type Obj = Record<string, unknown>;
type Cell = { column: ReturnType<typeof col>; cell: (o: KObject) => unknown };

function spec(o: KObject): Obj {
  const s = (o['spec'] ?? {}) as Obj;
  o['spec'] = s;
  return s;
}

function selectorOf(o: KObject) {
  const sel = field(o, 'spec.selector');
  const obj = o.kind === 'ReplicationController' ? { matchLabels: sel as Record<string, string> } : sel;
  return labelSelectorFromObject(obj as Parameters<typeof labelSelectorFromObject>[0]);
}

function validateSelector(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const sel = field(o, 'spec.selector');
  if (!sel || typeof sel !== 'object') {
    errs.push({ type: 'FieldValueRequired', field: 'spec.selector', detail: '' });
    return errs;
  }
  const labels = (field(o, 'spec.template.metadata.labels') ?? {}) as Record<string, string>;
  const selector = selectorOf(o);
  if (selector.empty) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: sel,
      detail: 'empty selector is invalid for deployment',
    });
  } else if (!selector.matches(labels)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
  }
  const tspec = field(o, 'spec.template.spec');
  if (tspec && typeof tspec === 'object')
    errs.push(
      ...validateContainers(tspec as Obj, 'spec.template.spec'),
      ...validatePodSpecResources(tspec as Obj, 'spec.template.spec'),
    );
  else errs.push({ type: 'FieldValueRequired', field: 'spec.template.spec.containers', detail: '' });
  const replicas = field(o, 'spec.replicas');
  if (replicas !== undefined && (typeof replicas !== 'number' || replicas < 0)) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      value: replicas,
      detail: 'must be greater than or equal to 0',
    });
  }
  return errs;
}

function selectorImmutable(o: KObject, old: KObject): FieldError[] {
  if (deepEqual(field(o, 'spec.selector'), field(old, 'spec.selector'))) return [];
  return [
    {
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: field(o, 'spec.selector'),
      detail: 'field is immutable',
    },
  ];
}

const containersOf = (o: KObject) => (field(o, 'spec.template.spec.containers') as Obj[] | undefined) ?? [];
const WIDE: Cell[] = [
  {
    column: col('Containers', 'string', 'Names of each container in the template.'),
    cell: (o) =>
      containersOf(o)
        .map((c) => c['name'])
        .join(','),
  },
  {
    column: col('Images', 'string', 'Images referenced by each container in the template.'),
    cell: (o) =>
      containersOf(o)
        .map((c) => c['image'])
        .join(','),
  },
  {
    column: col('Selector', 'string', 'Label selector for pods.'),
    cell: (o) => selectorOf(o).toString() || '<none>',
  },
];

function workload(
  info: ResourceInfo,
  defaults: (s: Obj) => void,
  middle: Cell[],
  wide: Cell[] = WIDE,
): ResourceDef {
  return specStatus(info, {
    defaults(o) {
      const s = spec(o);
      defaults(s);
      defaultTemplate(s['template']);
      checkPodSpecQuantities(info.kind, info.version, (s['template'] as Obj | undefined)?.['spec']);
    },
    validate: validateSelector,
    validateUpdate: selectorImmutable,
    printer: printer(middle, wide),
  });
}

const ready = (o: KObject) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`;
const c = (
  name: string,
  description: string,
  path: string,
  type: 'integer' | 'string' = 'integer',
): Cell => ({
  column: col(name, type, description),
  cell: (o) => num(o, path),
});

export function workloadDefs(): ResourceDef[] {
  const apps = (plural: string) => findResource('apps', 'v1', plural)!;
  return [
    workload(
      apps('deployments'),
      (s) => {
        s['replicas'] ??= 1;
        s['revisionHistoryLimit'] ??= 10;
        s['progressDeadlineSeconds'] ??= 600;
        const st = (s['strategy'] ?? {}) as Obj;
        s['strategy'] = st;
        st['type'] ??= 'RollingUpdate';
        if (st['type'] === 'RollingUpdate')
          st['rollingUpdate'] = {
            maxUnavailable: '25%',
            maxSurge: '25%',
            ...((st['rollingUpdate'] as Obj) ?? {}),
          };
      },
      [
        { column: col('Ready', 'string', 'Number of the pod with ready state'), cell: ready },
        c(
          'Up-to-date',
          'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
          'status.updatedReplicas',
        ),
        c(
          'Available',
          'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
          'status.availableReplicas',
        ),
      ],
    ),
    workload(
      apps('replicasets'),
      (s) => {
        s['replicas'] ??= 1;
      },
      [
        c('Desired', 'Number of desired pods.', 'spec.replicas'),
        c('Current', 'Number of actual pods.', 'status.replicas'),
        c('Ready', 'The number of pods ready.', 'status.readyReplicas'),
      ],
    ),
    workload(
      apps('statefulsets'),
      (s) => {
        s['replicas'] ??= 1;
        s['podManagementPolicy'] ??= 'OrderedReady';
        s['revisionHistoryLimit'] ??= 10;
        s['persistentVolumeClaimRetentionPolicy'] ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
        const st = (s['updateStrategy'] ?? {}) as Obj;
        s['updateStrategy'] = st;
        st['type'] ??= 'RollingUpdate';
        if (st['type'] === 'RollingUpdate')
          st['rollingUpdate'] = { partition: 0, ...((st['rollingUpdate'] as Obj) ?? {}) };
      },
      [{ column: col('Ready', 'string', 'Number of the pod with ready state'), cell: ready }],
      WIDE.slice(0, 2),
    ),
    workload(
      apps('daemonsets'),
      (s) => {
        s['revisionHistoryLimit'] ??= 10;
        const st = (s['updateStrategy'] ?? {}) as Obj;
        s['updateStrategy'] = st;
        st['type'] ??= 'RollingUpdate';
        if (st['type'] === 'RollingUpdate')
          st['rollingUpdate'] = { maxUnavailable: 1, maxSurge: 0, ...((st['rollingUpdate'] as Obj) ?? {}) };
      },
      [
        c('Desired', 'The desired number of daemon pods.', 'status.desiredNumberScheduled'),
        c('Current', 'The current number of daemon pods.', 'status.currentNumberScheduled'),
        c('Ready', 'The number of daemon pods ready.', 'status.numberReady'),
        c('Up-to-date', 'The number of daemon pods that are up to date.', 'status.updatedNumberScheduled'),
        c('Available', 'The number of daemon pods available.', 'status.numberAvailable'),
        {
          column: col('Node Selector', 'string', 'The node selector of the daemon pods.'),
          cell: (o) => {
            const ns = (field(o, 'spec.template.spec.nodeSelector') ?? {}) as Record<string, string>;
            const s = Object.entries(ns)
              .map(([k, v]) => `${k}=${v}`)
              .join(',');
            return s || '<none>';
          },
        },
      ],
    ),
    plain(findResource('apps', 'v1', 'controllerrevisions')!, {
      printer: printer([{ column: col('Revision', 'integer', 'Revision'), cell: (o) => num(o, 'revision') }]),
    }),
    workload(
      findResource('', 'v1', 'replicationcontrollers')!,
      (s) => {
        s['replicas'] ??= 1;
        const labels = field(s, 'template.metadata.labels');
        if (s['selector'] === undefined && labels) s['selector'] = { ...(labels as Obj) };
      },
      [
        c('Desired', 'Number of desired pods.', 'spec.replicas'),
        c('Current', 'Number of actual pods.', 'status.replicas'),
        c('Ready', 'The number of pods ready.', 'status.readyReplicas'),
      ],
    ),
  ];
}
