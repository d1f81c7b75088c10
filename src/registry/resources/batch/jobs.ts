/**
 * Jobs and CronJobs: defaults, the generated selector and template labels of a Job (tied
 * to its uid), the restart policy rule of job pods, CronJob validation
 * (./cronjob-validation.ts), and kubectl's columns.
 */

import { findResource } from '../../../api/resources.js';
import type { FieldError } from '../../../api/validation/index.js';
import { age, humanDuration } from '../../printers/age.js';
import { col, field, num, printer } from '../../printers/columns.js';
import { specStatus } from '../../strategies/generic.js';
import type { KObject, ResourceDef } from '../../types.js';
import { validateContainers } from '../core/containers.js';
import { defaultTemplate } from '../core/pod-defaults.js';
import { checkPodSpecQuantities } from '../core/quantity-fields.js';
import { validatePodSpecResources } from '../core/resource-validation.js';
import { validateCronJob } from './cronjob-validation.js';

type Obj = Record<string, unknown>;

function defaultJobSpec(s: Obj): void {
  if (s['completions'] === undefined && s['parallelism'] === undefined) {
    s['completions'] = 1;
    s['parallelism'] = 1;
  }
  s['parallelism'] ??= 1;
  s['backoffLimit'] ??= 6;
  s['completionMode'] ??= 'NonIndexed';
  s['suspend'] ??= false;
  s['podReplacementPolicy'] ??= 'TerminatingOrFailed';
  defaultTemplate(s['template']);
}

function validateJobTemplate(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const tspec = field(s, 'template.spec') as Obj | undefined;
  if (!tspec) return [{ type: 'FieldValueRequired', field: `${path}.template.spec`, detail: '' }];
  errs.push(
    ...validateContainers(tspec, `${path}.template.spec`),
    ...validatePodSpecResources(tspec, `${path}.template.spec`),
  );
  const rp = tspec['restartPolicy'];
  if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push({
      type: 'FieldValueNotSupported',
      field: `${path}.template.spec.restartPolicy`,
      value: rp,
      detail: 'supported values: "OnFailure", "Never"',
    });
  }
  return errs;
}

function jobStatus(o: KObject): string {
  const conds = (field(o, 'status.conditions') as Obj[] | undefined) ?? [];
  const on = (t: string) => conds.some((c) => c['type'] === t && c['status'] === 'True');
  if (on('Complete')) return 'Complete';
  if (on('Failed')) return 'Failed';
  if (on('FailureTarget')) return 'FailureTarget';
  if (on('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (on('Suspended')) return 'Suspended';
  return 'Running';
}

function duration(o: KObject, now: number): string {
  const start = field(o, 'status.startTime') as string | undefined;
  if (!start) return '';
  const end = (field(o, 'status.completionTime') as string | undefined) ?? new Date(now).toISOString();
  return humanDuration(Date.parse(end) - Date.parse(start));
}

export function jobDefs(): ResourceDef[] {
  const jobs = specStatus(findResource('batch', 'v1', 'jobs')!, {
    defaults: (o) => {
      const s = (o['spec'] ?? {}) as Obj;
      o['spec'] = s;
      defaultJobSpec(s);
      checkPodSpecQuantities('Job', 'v1', field(s, 'template.spec'));
    },
    prepareForCreate(o) {
      const s = o['spec'] as Obj;
      if (s['manualSelector'] === true) return;
      const uid = o.metadata!.uid!;
      const name = o.metadata!.name ?? o.metadata!.generateName ?? '';
      s['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      const t = (s['template'] ?? {}) as Obj;
      s['template'] = t;
      const tm = (t['metadata'] ?? {}) as Obj;
      t['metadata'] = tm;
      tm['labels'] = {
        ...((tm['labels'] as Obj) ?? {}),
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      };
    },
    validate: (o) => validateJobTemplate((o['spec'] ?? {}) as Obj, 'spec'),
    printer: printer([
      { column: col('Status', 'string', 'Status of the job.'), cell: jobStatus },
      {
        column: col('Completions', 'string', 'The completed job pods.'),
        cell: (o) => `${num(o, 'status.succeeded')}/${field(o, 'spec.completions') ?? '1'}`,
      },
      { column: col('Duration', 'string', 'Time required to complete the job.'), cell: duration },
    ]),
  });
  const cronjobs = specStatus(findResource('batch', 'v1', 'cronjobs')!, {
    defaults: (o) => {
      const s = (o['spec'] ?? {}) as Obj;
      o['spec'] = s;
      s['concurrencyPolicy'] ??= 'Allow';
      s['suspend'] ??= false;
      s['successfulJobsHistoryLimit'] ??= 3;
      s['failedJobsHistoryLimit'] ??= 1;
      const jt = (s['jobTemplate'] ?? {}) as Obj;
      s['jobTemplate'] = jt;
      const js = (jt['spec'] ?? {}) as Obj;
      jt['spec'] = js;
      defaultJobSpec(js);
      checkPodSpecQuantities('CronJob', 'v1', field(js, 'template.spec'));
    },
    validate: (o) => {
      const errs = validateCronJob(o);
      errs.push(
        ...validateJobTemplate((field(o, 'spec.jobTemplate.spec') ?? {}) as Obj, 'spec.jobTemplate.spec'),
      );
      return errs;
    },
    printer: printer([
      {
        column: col('Schedule', 'string', 'The schedule in Cron format.'),
        cell: (o) => field(o, 'spec.schedule') ?? '',
      },
      {
        column: col('Timezone', 'string', 'The time zone of the schedule.'),
        cell: (o) => field(o, 'spec.timeZone') ?? '<none>',
      },
      {
        column: col('Suspend', 'string', 'Whether the cron job is suspended.'),
        cell: (o) => (field(o, 'spec.suspend') === true ? 'True' : 'False'),
      },
      {
        column: col('Active', 'integer', 'Number of running jobs.'),
        cell: (o) => ((field(o, 'status.active') as unknown[]) ?? []).length,
      },
      {
        column: col('Last Schedule', 'string', 'When the job was last scheduled.'),
        cell: (o, now) => {
          const t = field(o, 'status.lastScheduleTime') as string | undefined;
          return t ? age(t, now) : '<none>';
        },
      },
    ]),
  });
  return [jobs, cronjobs];
}
