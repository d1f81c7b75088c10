/** /healthz, /livez and /readyz with their named checks and `?verbose`, as kube-apiserver answers them. */

import { writeText } from './http/respond.js';
import type { Res } from './http/types.js';

export type Check = { name: string; ok: () => boolean };

export function serveHealth(res: Res, path: string, query: URLSearchParams, checks: Check[]): void {
  const kind = path.slice(1).split('/')[0]!;
  const only = path.split('/')[2];
  const selected = only ? checks.filter((c) => c.name === only) : checks;
  if (only && selected.length === 0) {
    writeText(res, 404, `404 page not found\n`);
    return;
  }
  const results = selected.map((c) => ({ name: c.name, ok: safe(c.ok) }));
  const healthy = results.every((r) => r.ok);
  if (query.has('verbose')) {
    const lines = results.map(
      (r) => `[${r.ok ? '+' : '-'}]${r.name} ${r.ok ? 'ok' : 'failed: reason withheld'}`,
    );
    lines.push(healthy ? `${kind} check passed` : `${kind} check failed`);
    writeText(res, healthy ? 200 : 500, `${lines.join('\n')}\n`);
    return;
  }
  writeText(res, healthy ? 200 : 500, healthy ? 'ok' : `${kind} check failed`);
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
