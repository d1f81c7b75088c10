/**
 * The pod a Job creates from its template: the template's labels, annotations and spec,
 * the tracking finalizer, and a controller reference to the Job. An Indexed Job's pod also
 * carries its completion index (annotation and label), the hostname `<job>-<index>`, the
 * JOB_COMPLETION_INDEX environment variable (read from the label by the kubelet through
 * the downward API), and a generateName of `<job>-<index>-`. Pure.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { KObject } from '../../registry/types.js';
import { COMPLETION_INDEX, TRACKING_FINALIZER } from './pods.js';

type Obj = Record<string, unknown>;

/** The longest generateName the API server keeps whole (63 less a 5-character suffix). */
const MAX_GENERATED_PREFIX = 58;

export function controllerRef(job: Job) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata?.name ?? '',
    uid: job.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function generateNameFor(jobName: string, index: number | undefined): string {
  if (index === undefined) return `${jobName}-`;
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  if (prefix.length <= MAX_GENERATED_PREFIX) return prefix;
  return jobName.slice(0, MAX_GENERATED_PREFIX - suffix.length) + suffix;
}

function addIndexEnv(containers: unknown): void {
  if (!Array.isArray(containers)) return;
  for (const c of containers as Obj[]) {
    const env = (Array.isArray(c['env']) ? c['env'] : []) as Obj[];
    if (env.some((e) => e['name'] === 'JOB_COMPLETION_INDEX')) continue;
    env.push({
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } },
    });
    c['env'] = env;
  }
}

export function podFromTemplate(job: Job, index: number | undefined): KObject {
  const tmpl = structuredClone(job.spec?.template ?? {}) as { metadata?: Obj; spec?: Obj };
  const tm = tmpl.metadata ?? {};
  const spec = tmpl.spec ?? {};
  const labels = { ...((tm['labels'] as Record<string, string>) ?? {}) };
  const annotations = { ...((tm['annotations'] as Record<string, string>) ?? {}) };
  const finalizers = [...((tm['finalizers'] as string[]) ?? [])];
  if (!finalizers.includes(TRACKING_FINALIZER)) finalizers.push(TRACKING_FINALIZER);
  const name = job.metadata?.name ?? '';
  if (index !== undefined) {
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    spec['hostname'] = `${name}-${index}`;
    addIndexEnv(spec['initContainers']);
    addIndexEnv(spec['containers']);
  }
  const metadata: Obj = {
    generateName: generateNameFor(name, index),
    namespace: job.metadata?.namespace,
    labels,
    finalizers,
    ownerReferences: [controllerRef(job)],
  };
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
