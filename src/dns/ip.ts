/** IP addresses as text: IPv4 dotted quads, IPv6 parsing and its canonical form (RFC 5952). Pure. */

/** Whether `s` is a dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** The 16 bytes of an IPv6 address, or undefined when `s` is not one. */
export function parseIPv6(s: string): number[] | undefined {
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    const v4 = text.slice(lastColon + 1);
    if (!isIPv4(v4)) return undefined;
    tail = v4.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined) => (h ? h.split(':') : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of all) {
    const v = Number.parseInt(g, 16);
    bytes.push(v >> 8, v & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Eight 4-digit groups, e.g. for nibble names. */
export function expandIPv6(ip: string): string {
  const b = parseIPv6(ip) ?? Array<number>(16).fill(0);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16).padStart(4, '0'));
  return groups.join(':');
}

/** The canonical text form of an IPv6 address (RFC 5952: longest zero run as `::`). */
export function compressIPv6(ip: string): string {
  const b = parseIPv6(ip);
  if (!b) return ip;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
