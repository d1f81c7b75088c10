/**
 * Runs the proxy's system commands (nft, ip, conntrack, sysctl): every one through this
 * runner, with an optional command prefix such as `['ip', 'netns', 'exec', NAME]` so
 * tests and benchmarks can aim the whole proxy at a network namespace. Each call is
 * bounded in time and reports the command's stderr when it fails.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Runner {
  /** Runs `cmd args` (behind the prefix), feeding `input` on stdin; never throws for a non-zero exit. */
  run(cmd: string, args: string[], input?: string): Promise<CommandResult>;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    super(
      `${command} failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(0, 8).join('; ')}`,
    );
  }
}

const TIMEOUT_MS = 60_000;

export function commandRunner(prefix: string[] = []): Runner {
  return {
    run(cmd, args, input) {
      const argv = [...prefix, cmd, ...args];
      return new Promise((resolve) => {
        const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
        const finish = (code: number, extra = '') => {
          clearTimeout(timer);
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8') + extra,
            code,
          });
        };
        child.once('error', (e) => finish(127, e.message));
        child.once('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
        child.stdin.on('error', () => undefined);
        child.stdin.end(input ?? '');
      });
    },
  };
}

/** Runs a command and throws CommandError unless it exits 0. */
export async function must(runner: Runner, cmd: string, args: string[], input?: string): Promise<string> {
  const r = await runner.run(cmd, args, input);
  if (r.code !== 0) throw new CommandError([cmd, ...args].join(' '), r);
  return r.stdout;
}
