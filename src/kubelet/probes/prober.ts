/**
 * Runs one probe of a container by its handler (exec, httpGet, tcpSocket, grpc), retrying
 * up to three times when the probe could not run at all, as the kubelet does. Returns the
 * outcome; it records nothing and keeps no state (the worker counts results and the
 * service records events).
 */
import { type ExecRuntime, execProbe } from './exec.js';
import { expandCommand } from './expand.js';
import { grpcProbe } from './grpc.js';
import { httpProbe } from './http.js';
import { buildHttpRequest } from './http-request.js';
import { errored, type ProbeOutcome } from './outcome.js';
import { type Obj, type ProbeSpec, resolvePort } from './spec.js';
import { tcpProbe } from './tcp.js';

export interface ProbeContext {
  cri: ExecRuntime;
  /** The container's spec (ports, env). */
  container: Obj;
  containerId: string;
  podIP: string;
  /** `name_namespace(uid)`, for the message of a probe without a handler. */
  podRef: string;
  /** Stops the probe; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
  /** Extra time an exec call may take past its timeout (see ./exec.ts). */
  execGraceMs?: number;
}

/** How many times a probe that could not run is tried before giving up. */
export const MAX_PROBE_RETRIES = 3;

/** One attempt. Rejects only when ctx.signal aborts. */
export async function runProbeOnce(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const timeoutMs = spec.timeoutSeconds * 1000;
  const h = spec.handler;
  try {
    switch (h.type) {
      case 'exec': {
        const command = expandCommand(h.command, ctx.container);
        return await execProbe(
          ctx.cri,
          ctx.containerId,
          command,
          spec.timeoutSeconds,
          ctx.signal,
          ctx.execGraceMs,
        );
      }
      case 'httpGet':
        return await httpProbe(buildHttpRequest(h, ctx.container, ctx.podIP), timeoutMs, ctx.signal);
      case 'tcpSocket': {
        const port = resolvePort(h.port, ctx.container);
        return await tcpProbe(h.host || ctx.podIP, port, timeoutMs, ctx.signal);
      }
      case 'grpc':
        return await grpcProbe(ctx.podIP, h.port, h.service, timeoutMs, ctx.signal);
      case 'none':
        return errored(`missing probe handler for ${ctx.podRef}:${String(ctx.container['name'])}`);
    }
  } catch (err) {
    // Aborted: the worker stopped. Anything else (a bad port, a URL that cannot be formed)
    // means the probe could not run.
    if (ctx.signal.aborted) throw err;
    return errored(err instanceof Error ? err.message : String(err));
  }
}

/** Up to MAX_PROBE_RETRIES attempts while the probe errors. Rejects only when ctx.signal aborts. */
export async function runProbe(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  let outcome = await runProbeOnce(spec, ctx);
  for (let i = 1; i < MAX_PROBE_RETRIES && outcome.result === 'error'; i++) {
    outcome = await runProbeOnce(spec, ctx);
  }
  return outcome;
}
