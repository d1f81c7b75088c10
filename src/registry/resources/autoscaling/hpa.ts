/**
 * HorizontalPodAutoscalers: stored as autoscaling/v2; autoscaling/v1 is served through a
 * codec that converts the v1 CPU-utilization form to and from v2's metrics. Defaults and
 * kubectl's columns as upstream's.
 */
import { findResource } from '../../../api/resources.js';
import { col, field, printer } from '../../printers/columns.js';
import { specStatus } from '../../strategies/generic.js';
import type { Codec, KObject, ResourceDef } from '../../types.js';

type Obj = Record<string, unknown>;

function cpuTarget(spec: Obj): number | undefined {
  const metrics = (spec['metrics'] as Obj[] | undefined) ?? [];
  for (const m of metrics) {
    const r = m['resource'] as Obj | undefined;
    const t = r?.['target'] as Obj | undefined;
    if (m['type'] === 'Resource' && r?.['name'] === 'cpu' && t?.['type'] === 'Utilization') {
      return t['averageUtilization'] as number | undefined;
    }
  }
  return undefined;
}

/** autoscaling/v1 <-> the stored autoscaling/v2 form. */
export const HPA_V1_CODEC: Codec = {
  toStorage(v1: KObject): KObject {
    const out = structuredClone(v1);
    out.apiVersion = 'autoscaling/v2';
    const spec = (out['spec'] ?? {}) as Obj;
    const target = spec['targetCPUUtilizationPercentage'];
    delete spec['targetCPUUtilizationPercentage'];
    if (typeof target === 'number') {
      spec['metrics'] = [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
        },
      ];
    }
    out['spec'] = spec;
    const status = out['status'] as Obj | undefined;
    if (status) {
      const current = status['currentCPUUtilizationPercentage'];
      delete status['currentCPUUtilizationPercentage'];
      if (typeof current === 'number') {
        status['currentMetrics'] = [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } },
        ];
      }
    }
    return out;
  },
  fromStorage(v2: KObject): KObject {
    const out = structuredClone(v2);
    out.apiVersion = 'autoscaling/v1';
    const spec = (out['spec'] ?? {}) as Obj;
    const target = cpuTarget(spec);
    delete spec['metrics'];
    delete spec['behavior'];
    if (target !== undefined) spec['targetCPUUtilizationPercentage'] = target;
    const status = out['status'] as Obj | undefined;
    if (status) {
      const cur = ((status['currentMetrics'] as Obj[] | undefined) ?? []).find(
        (m) => m['type'] === 'Resource' && (m['resource'] as Obj | undefined)?.['name'] === 'cpu',
      );
      const util = ((cur?.['resource'] as Obj | undefined)?.['current'] as Obj | undefined)?.[
        'averageUtilization'
      ];
      delete status['currentMetrics'];
      delete status['conditions'];
      if (typeof util === 'number') status['currentCPUUtilizationPercentage'] = util;
    }
    return out;
  },
};

function targets(o: KObject): string {
  const spec = (o['spec'] ?? {}) as Obj;
  const metrics = (spec['metrics'] as Obj[] | undefined) ?? [];
  const cur = ((field(o, 'status.currentMetrics') as Obj[] | undefined) ?? []).find(
    (m) => m['type'] === 'Resource',
  );
  const curUtil = (field(cur, 'resource.current.averageUtilization') as number | undefined) ?? undefined;
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((m) => {
      const util = field(m, 'resource.target.averageUtilization');
      const name = field(m, 'resource.name') ?? m['type'];
      return util !== undefined
        ? `${name}: ${curUtil === undefined ? '<unknown>' : `${curUtil}%`}/${util}%`
        : String(name);
    })
    .join(', ');
}

export function hpaDefs(): ResourceDef[] {
  const v2 = specStatus(findResource('autoscaling', 'v2', 'horizontalpodautoscalers')!, {
    defaults(o) {
      const spec = (o['spec'] ?? {}) as Obj;
      o['spec'] = spec;
      spec['minReplicas'] ??= 1;
      const metrics = spec['metrics'] as unknown[] | undefined;
      if (!metrics || metrics.length === 0) {
        spec['metrics'] = [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ];
      }
    },
    printer: printer([
      {
        column: col('Reference', 'string', 'The target of the autoscaler.'),
        cell: (o) =>
          `${field(o, 'spec.scaleTargetRef.kind') ?? ''}/${field(o, 'spec.scaleTargetRef.name') ?? ''}`,
      },
      { column: col('Targets', 'string', 'The current and target metrics.'), cell: targets },
      {
        column: col('MinPods', 'string', 'Lower limit of replicas.'),
        cell: (o) => String(field(o, 'spec.minReplicas') ?? '<unset>'),
      },
      {
        column: col('MaxPods', 'integer', 'Upper limit of replicas.'),
        cell: (o) => field(o, 'spec.maxReplicas') ?? 0,
      },
      {
        column: col('Replicas', 'integer', 'Current replicas.'),
        cell: (o) => field(o, 'status.currentReplicas') ?? 0,
      },
    ]),
  });
  const v1: ResourceDef = {
    ...v2,
    info: findResource('autoscaling', 'v1', 'horizontalpodautoscalers')!,
    codec: HPA_V1_CODEC,
  };
  return [v2, v1];
}
