/**
 * The Event the kubelet records for a probe outcome, as upstream words it: Warning
 * `Unhealthy` for `<Type> probe failed: <output>` and `<Type> probe errored and resulted
 * in <state> state: <error>`, Warning `ProbeWarning` for `<Type> probe warning: <output>`,
 * nothing for a success. Pure: it records nothing (the service hands it to the sink).
 */
import type { ProbeOutcome } from './outcome.js';
import { KIND_TITLE, type ProbeKind } from './spec.js';

export interface ProbeEvent {
  reason: 'Unhealthy' | 'ProbeWarning';
  message: string;
}

export function probeEvent(kind: ProbeKind, outcome: ProbeOutcome): ProbeEvent | undefined {
  const title = KIND_TITLE[kind];
  switch (outcome.result) {
    case 'error':
      return {
        reason: 'Unhealthy',
        message: `${title} probe errored and resulted in ${outcome.state} state: ${outcome.error}`,
      };
    case 'failure':
      return { reason: 'Unhealthy', message: `${title} probe failed: ${outcome.output}` };
    case 'warning':
      return { reason: 'ProbeWarning', message: `${title} probe warning: ${outcome.output}` };
    default:
      return undefined;
  }
}
