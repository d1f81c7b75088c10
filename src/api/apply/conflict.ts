/**
 * Apply conflicts and the words the API server uses for them: the 409 message
 * (`Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas`,
 * or one block per manager, sorted by manager, when there are several) and the
 * `FieldManagerConflict` causes of the Status details.
 *
 * Pure.
 */
import { goQuote, isObject } from './json.js';
import { type Path, pathString } from './path.js';

export interface Conflict {
  /** Identity of the manager that owns the field (see managers.ts). */
  manager: string;
  path: Path;
}

export interface ConflictCause {
  type: 'FieldManagerConflict';
  message: string;
  field: string;
}

/** A manager as conflict messages name it: `"name"`, plus subresource and version for updaters. */
export function printManager(id: string): string {
  let m: unknown;
  try {
    m = JSON.parse(id);
  } catch {
    return goQuote(id);
  }
  if (!isObject(m)) return goQuote(id);
  const str = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : '');
  let out = goQuote(str('manager'));
  if (str('subresource')) out += ` with subresource ${goQuote(str('subresource'))}`;
  if (str('operation') === 'Update') {
    out += str('time') ? ` using ${str('apiVersion')} at ${str('time')}` : ` using ${str('apiVersion')}`;
  }
  return out;
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) {
    const paths = byManager.get(c.manager) ?? [];
    paths.push(c.path);
    byManager.set(c.manager, paths);
  }
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(m)}:`);
    for (const p of byManager.get(m)!) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function conflictCauses(conflicts: readonly Conflict[]): ConflictCause[] {
  return conflicts.map((c) => ({
    type: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
}
