/**
 * Which controllers run, from a --controllers value in kube-controller-manager's syntax:
 * `*` (all), `name` (that one), `-name` (not that one), comma-separated; an empty value
 * runs none. Pure.
 */

export class ControllerSelectionError extends Error {}

export function selectControllers(spec: string, known: string[]): string[] {
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = items.map((i) => i.replace(/^-/, '')).filter((n) => n !== '*' && !known.includes(n));
  if (unknown.length > 0) {
    throw new ControllerSelectionError(
      `unknown controller ${JSON.stringify(unknown[0])}: known are ${known.join(', ')}`,
    );
  }
  const all = items.includes('*');
  return known.filter((n) => !items.includes(`-${n}`) && (all || items.includes(n)));
}
