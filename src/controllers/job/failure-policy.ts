/**
 * Matching a failed pod against a Job's podFailurePolicy: the first rule that matches
 * decides. A rule matches on the exit code of a terminated container (non-zero codes only,
 * optionally of one named container; regular containers before init containers) or on a
 * pod condition type and status. FailJob carries the message of the Job's failure; Ignore
 * keeps the failure out of the backoffLimit count; Count (and no match) counts it. FailIndex
 * belongs to backoffLimitPerIndex, which this controller does not implement: it counts.
 * Pure.
 */
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from 'kubernetes-types/batch/v1.js';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';

export type FailureAction = 'FailJob' | 'Ignore' | 'Count' | 'FailIndex';

export interface FailureMatch {
  /** The Job's failure message, when a FailJob rule matched. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit. */
  count: boolean;
  action?: FailureAction;
}

export function matchFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): FailureMatch {
  if (!policy) return { count: true };
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const rules = policy.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const action = rule.action as FailureAction;
    let failJob: string | undefined;
    if (rule.onExitCodes) {
      const cs = matchExitCodes(pod, rule.onExitCodes);
      if (!cs) continue;
      failJob = `Container ${cs.name} for pod ${ns}/${name} failed with exit code ${cs.state?.terminated?.exitCode} matching ${action} rule at index ${i}`;
    } else if (rule.onPodConditions) {
      const cond = (pod.status?.conditions ?? []).find((c) =>
        rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status),
      );
      if (!cond) continue;
      failJob = `Pod ${ns}/${name} has condition ${cond.type} matching ${action} rule at index ${i}`;
    } else {
      continue;
    }
    switch (action) {
      case 'FailJob':
        return { failJobMessage: failJob, count: true, action };
      case 'Ignore':
        return { count: false, action };
      case 'Count':
      case 'FailIndex':
        return { count: true, action };
      default:
        // An unknown action matches but does nothing: keep looking, as upstream does.
        continue;
    }
  }
  return { count: true };
}

function matchExitCodes(pod: Pod, req: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  return (
    matchIn(pod.status?.containerStatuses ?? [], req) ?? matchIn(pod.status?.initContainerStatuses ?? [], req)
  );
}

function matchIn(
  statuses: readonly ContainerStatus[],
  req: PodFailurePolicyOnExitCodesRequirement,
): ContainerStatus | undefined {
  for (const cs of statuses) {
    const code = cs.state?.terminated?.exitCode;
    if (code === undefined || code === 0) continue;
    if (req.containerName && req.containerName !== cs.name) continue;
    const listed = (req.values ?? []).includes(code);
    if (req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false) return cs;
  }
  return undefined;
}
