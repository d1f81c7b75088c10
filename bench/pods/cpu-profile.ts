/**
 * Preloaded into a `k8ts server` (`node --import`) when the benchmark is asked for CPU
 * profiles (K8TS_BENCH_CPU_PROF=<dir>; NODE_OPTIONS may not carry --cpu-prof): samples
 * the process from its start and writes `<dir>/k8ts-<pid>.cpuprofile` when it exits.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env['K8TS_BENCH_CPU_PROF'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.once('exit', () => {
    // The session answers synchronously within this thread.
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `k8ts-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
