/**
 * Reads the V8 CPU profiles (.cpuprofile) a server wrote on exit and prints where its time
 * went: self time by function and by source area (k8ts folder, node internals, package).
 * Read-only; used when the benchmark runs with --profile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from '../lib/stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Groups a script URL into an area: `src/apiserver/http`, `node:internal/...`, `npm:better-sqlite3`. */
function area(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  const own = /\/dist\/((?:src|test|bench)\/[^/]+(?:\/[^/.]+)?)/.exec(url);
  return own ? own[1]! : url;
}

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** Prints hotspots of every .cpuprofile in `dir`, indented under `label`. */
export function printHotspots(label: string, dir: string, functions = 15, areas = 10): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    console.log(`  ${label}: no CPU profile was written (did the server exit cleanly?)`);
    return;
  }
  for (const file of files) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const byFn = new Map<string, number>();
    const byArea = new Map<string, number>();
    let busy = 0;
    const total = (p.endTime - p.startTime) / 1000;
    p.samples.forEach((id, i) => {
      const node = byId.get(id);
      const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
      if (!node) return;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') return;
      busy += ms;
      const where = url
        ? `${url.replace(/^.*\/dist\//, '').replace(/^.*node_modules\//, '')}:${lineNumber + 1}`
        : '';
      const fnKey = `${functionName || '(anonymous)'} ${where}`.trim();
      byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + ms);
      const a = functionName.startsWith('(') ? functionName : area(url);
      byArea.set(a, (byArea.get(a) ?? 0) + ms);
    });
    console.log(
      `  ${label} CPU profile: ${fmt(busy / 1000, 1)} s busy of ${fmt(total / 1000, 1)} s (${fmt((100 * busy) / total, 0)}%)`,
    );
    console.log('    self time by area:');
    for (const [k, ms] of top(byArea, areas)) {
      console.log(`      ${fmt((100 * ms) / busy, 1).padStart(5)}%  ${k}`);
    }
    console.log('    self time by function:');
    for (const [k, ms] of top(byFn, functions)) {
      console.log(`      ${fmt((100 * ms) / busy, 1).padStart(5)}%  ${k}`);
    }
  }
}
