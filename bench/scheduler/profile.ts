/**
 * Where the server's CPU went during a scenario: reads the V8 CPU profile (.cpuprofile)
 * the server wrote on exit and prints self time by source area (k8ts folder, node
 * internals, npm package, V8) and the top functions, counting only the samples taken in
 * the measured window. V8 stamps samples with the monotonic clock that
 * process.hrtime() reads in every process of the machine, so the window is exact.
 * Read-only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from '../lib/stats.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (fn.startsWith('(')) return fn;
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  const own = /\/dist\/(src\/[^/]+(?:\/[^/.]+)?)/.exec(url);
  return own ? own[1]! : url;
}

function top(m: Map<string, number>, n: number): [string, number][] {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** The monotonic clock in microseconds, as V8's profiler stamps samples. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function printHotspots(dir: string, window: [number, number], indent = '    '): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    console.log(`${indent}(no CPU profile written)`);
    return;
  }
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
    const areas = new Map<string, number>();
    const fns = new Map<string, number>();
    let busy = 0;
    let t = p.startTime;
    p.samples.forEach((id, i) => {
      t += p.timeDeltas[i] ?? 0;
      const cf = byId.get(id);
      const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
      if (t < window[0] || t > window[1] || !cf || cf.functionName === '(idle)') return;
      busy += ms;
      const a = area(cf.url, cf.functionName);
      areas.set(a, (areas.get(a) ?? 0) + ms);
      const where = cf.url
        ? ` ${cf.url.replace(/^.*\/dist\//, '').replace(/^.*node_modules\//, '')}:${cf.lineNumber + 1}`
        : '';
      const k = `${cf.functionName || '(anonymous)'}${where}`;
      fns.set(k, (fns.get(k) ?? 0) + ms);
    });
    const total = (window[1] - window[0]) / 1000;
    console.log(
      `${indent}server CPU in the measured window: ${fmt(busy / 1000, 1)} s busy of ${fmt(total / 1000, 1)} s ` +
        `(${fmt((100 * busy) / total, 0)}% of one core)`,
    );
    const share = (prefix: string) =>
      [...areas].filter(([k]) => k.startsWith(prefix)).reduce((a, [, ms]) => a + ms, 0);
    const pct = (ms: number) => `${fmt((100 * ms) / busy, 0)}%`;
    console.log(
      `${indent}by component: scheduler ${pct(share('src/scheduler'))}, informers and client ${pct(share('src/client'))}, ` +
        `API server (src/api*, registry, storage) ${pct(share('src/api') + share('src/registry') + share('src/storage'))}, ` +
        `controllers ${pct(share('src/controllers'))}, garbage collector ${pct(share('(garbage collector)'))}, ` +
        `node internals ${pct(share('node:'))}, npm packages ${pct(share('npm:'))}`,
    );
    console.log(
      `${indent}by area: ${top(areas, 14)
        .map(([k, ms]) => `${k} ${pct(ms)}`)
        .join(', ')}`,
    );
    for (const [k, ms] of top(fns, 12))
      console.log(`${indent}  ${fmt((100 * ms) / busy, 1).padStart(5)}%  ${k}`);
  }
}
