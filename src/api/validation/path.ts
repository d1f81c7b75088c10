/**
 * Field paths as upstream writes them in error messages: children joined with `.`, list
 * indexes and map keys in brackets (`spec.containers[0].env[1].name`, `metadata.labels[app]`).
 * A path is a plain string; the empty string is the root. Pure string helpers.
 */

/** The path of a named child; the child of the root is the bare name. */
export function child(path: string, ...names: string[]): string {
  let p = path;
  for (const name of names) p = p ? `${p}.${name}` : name;
  return p;
}

/** The path of a list element. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** The path of a map entry. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
