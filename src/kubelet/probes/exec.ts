/**
 * The exec prober: runs the probe's command in the container through the runtime's
 * ExecSync. Exit code 0 is success; any other exit code is a failure whose output is what
 * the command wrote (stdout then stderr, at most 10 KiB); a timeout is a failure
 * (`command "..." timed out`); any other runtime error means the probe could not run.
 * Does not expand the command (./expand.ts) nor retry (./prober.ts).
 */
import * as grpc from '@grpc/grpc-js';
import { CriError } from '../cri/call.js';
import type { CriClient } from '../cri/client.js';
import { errored, failure, limitedText, type ProbeOutcome, rpcError, success } from './outcome.js';

export type ExecRuntime = Pick<CriClient, 'execSync'>;

/**
 * How long the call may wait beyond the probe's own timeout, for the runtime to kill the
 * command and answer (the kubelet allows its runtime request timeout, 2 minutes).
 */
export const EXEC_GRACE_MS = 120_000;

export async function execProbe(
  cri: ExecRuntime,
  containerId: string,
  command: string[],
  timeoutSeconds: number,
  signal: AbortSignal,
  graceMs = EXEC_GRACE_MS,
): Promise<ProbeOutcome> {
  let res: Awaited<ReturnType<ExecRuntime['execSync']>>;
  try {
    res = await cri.execSync(containerId, command, timeoutSeconds, {
      signal,
      timeoutMs: timeoutSeconds * 1000 + graceMs,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof CriError) {
      if (err.code === grpc.status.DEADLINE_EXCEEDED) {
        return failure(`command ${JSON.stringify(command.join(' '))} timed out`);
      }
      return errored(rpcError(err.code, err.details));
    }
    return errored(err instanceof Error ? err.message : String(err));
  }
  const output = limitedText([res.stdout ?? Buffer.alloc(0), res.stderr ?? Buffer.alloc(0)]);
  return res.exit_code === 0 ? success(output) : failure(output);
}
