/**
 * The process entry of the `k8ts` command (bin/k8ts imports it): it connects runCli to the
 * real process: argv, stdout and stderr, SIGINT and SIGTERM, and the exit code.
 *
 * The first SIGINT or SIGTERM asks the running command to stop cleanly; a second one exits
 * at once. Importing this module runs the CLI, so nothing else may import it.
 */
import type { CliContext } from './command.js';
import { runCli } from './run.js';
import { readVersion } from './version.js';

/** How long the process may linger after the command finished before it is ended anyway. */
const EXIT_GRACE_MS = 5000;

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) {
      process.stderr.write(`k8ts: ${signal} received again, exiting now\n`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    controller.abort(signal);
  });
}

const ctx: CliContext = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  signal: controller.signal,
};

const code = await runCli(process.argv.slice(2), ctx, { version: readVersion() });
process.exitCode = code;
// Normally the process ends here on its own; a handle left open must not keep it alive.
setTimeout(() => {
  process.stderr.write(`k8ts: still running ${EXIT_GRACE_MS} ms after the command finished, exiting\n`);
  process.exit(code);
}, EXIT_GRACE_MS).unref();
