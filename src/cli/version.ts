/**
 * The version of k8ts, read from the package.json of the installation this module belongs
 * to (found by walking up from this file, so it works from `dist/` and from a symlinked
 * launcher alike). Reads the file system; keep it out of pure modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `version` field of k8ts's package.json, or "unknown" if it cannot be found. */
export function readVersion(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isK8tsPackage(pkg)) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

function isK8tsPackage(pkg: unknown): pkg is { name: string; version: string } {
  if (typeof pkg !== 'object' || pkg === null) return false;
  const { name, version } = pkg as { name?: unknown; version?: unknown };
  return name === 'k8ts' && typeof version === 'string';
}
