/**
 * Where the server's CPU went during a scenario: reads the V8 CPU profile (.cpuprofile)
 * the server wrote on exit and prints self time by source area (k8ts folder, node
 * internals, npm package, V8) and the top functions. Read-only.
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

export function printHotspots(dir: string, indent = '    '): void {
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
    p.samples.forEach((id, i) => {
      const cf = byId.get(id);
      const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
      if (!cf || cf.functionName === '(idle)') return;
      busy += ms;
      const a = area(cf.url, cf.functionName);
      areas.set(a, (areas.get(a) ?? 0) + ms);
      const where = cf.url
        ? ` ${cf.url.replace(/^.*\/dist\//, '').replace(/^.*node_modules\//, '')}:${cf.lineNumber + 1}`
        : '';
      const k = `${cf.functionName || '(anonymous)'}${where}`;
      fns.set(k, (fns.get(k) ?? 0) + ms);
    });
    const total = (p.endTime - p.startTime) / 1000;
    console.log(`${indent}server CPU: ${fmt(busy / 1000, 1)} s busy of ${fmt(total / 1000, 1)} s`);
    console.log(
      `${indent}by area:     ${top(areas, 8)
        .map(([k, ms]) => `${k} ${fmt((100 * ms) / busy, 0)}%`)
        .join(', ')}`,
    );
    for (const [k, ms] of top(fns, 10))
      console.log(`${indent}  ${fmt((100 * ms) / busy, 1).padStart(5)}%  ${k}`);
  }
}
