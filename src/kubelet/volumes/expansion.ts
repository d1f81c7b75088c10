/**
 * `$(VAR)` expansion of container environment values, command arguments and
 * subPathExpr, with the kubelet's rules: `$$` is an escaped `$`, an unknown or
 * unterminated reference stays as written, and any other `$x` is kept verbatim.
 * Pure: no I/O, no knowledge of where the variables come from.
 */

/** A lookup for `$(name)`: the value, or undefined to keep the reference as written. */
export type Mapping = (name: string) => string;

/** A mapping that looks in each context in turn and keeps unknown references as `$(name)`. */
export function mappingFor(...contexts: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const c of contexts) {
      const v = c.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

/** Expands `input` with `mapping`. */
export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    const first = rest[0];
    let advance = 1;
    if (first === '$') {
      out += '$';
    } else if (first === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else {
        out += '$(';
      }
    } else {
      out += `$${first}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
