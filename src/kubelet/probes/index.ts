/**
 * The kubelet's probes (liveness, readiness, startup): the service the pod worker uses,
 * and the probers for callers that need a single probe run. Re-exports only.
 */
export type { ProbeOutcome } from './outcome.js';
export { type ProbeContext, runProbe } from './prober.js';
export { createProbeService, type ProbeOptions } from './service.js';
export { type ProbeKind, type ProbeSpec, readProbe } from './spec.js';
