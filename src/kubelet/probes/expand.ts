/**
 * `$(VAR)` expansion of an exec probe's command with the container's static environment
 * (each `env` entry's `value`; entries set through `valueFrom` expand to an empty string),
 * as the kubelet does for probes: `$$` is a literal `$`, unknown or unterminated references
 * stay as written. Pure. Does not resolve valueFrom or envFrom: probes never see those.
 */
import type { Obj } from './spec.js';

/** The static environment of a container: name -> value. */
export function staticEnv(container: Obj): Map<string, string> {
  const env = new Map<string, string>();
  const list = Array.isArray(container['env']) ? container['env'] : [];
  for (const e of list) {
    if (typeof e !== 'object' || e === null) continue;
    const { name, value } = e as Obj;
    if (typeof name === 'string') env.set(name, typeof value === 'string' ? value : '');
  }
  return env;
}

/** One string with `$(VAR)` references replaced. */
export function expandVars(input: string, env: Map<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
        continue;
      }
      const name = input.slice(i + 2, close);
      out += env.get(name) ?? `$(${name})`;
      i = close + 1;
    } else {
      out += `$${next}`;
      i += 2;
    }
  }
  return out;
}

/** The probe command of `container` with its static environment expanded. */
export function expandCommand(command: string[], container: Obj): string[] {
  const env = staticEnv(container);
  return command.map((c) => expandVars(c, env));
}
