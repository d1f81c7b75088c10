/**
 * Strict IP address text <-> bytes conversion for certificate SANs.
 *
 * Exists because the X.509 library's own converter is lax (it accepts "1:2:3:4:5:6:7:8zz"
 * and mangles IPv4-mapped forms such as "::ffff:10.0.0.1"), and a SAN that silently encodes
 * the wrong address is a handshake failure far from its cause. Follows Go's net.ParseIP:
 * no zones, no leading zeros in dotted quads, and IPv4-mapped IPv6 collapses to 4 bytes
 * (as Go's x509 encodes it). Pure: must not import node: modules.
 */

/** The 4 (IPv4, including IPv4-mapped IPv6) or 16 bytes of `text`, or undefined if not an IP. */
export function parseIp(text: string): Uint8Array | undefined {
  const v4 = parseIpv4(text);
  if (v4) return v4;
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** A stable comparison key for an address's bytes. */
export function ipKey(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Text the X.509 library encodes back to exactly `bytes`: a dotted quad, or all eight IPv6
 * groups written out (no "::", no embedded dotted quad, which its parser handles badly).
 */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const words: number[][] = [];
  const all = [...head, ...tail];
  // A dotted quad may only end the address: "::1.2.3.4" yes, "1.2.3.4::" no.
  const lastMayBeV4 = halves.length === 1 || tail.length > 0;
  for (const [i, group] of all.entries()) {
    if (lastMayBeV4 && i === all.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (!v4) return undefined;
      words.push([...v4]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      const n = Number.parseInt(group, 16);
      words.push([n >> 8, n & 0xff]);
    } else {
      return undefined;
    }
  }
  const headBytes = words.slice(0, head.length).flat();
  const tailBytes = words.slice(head.length).flat();
  const used = headBytes.length + tailBytes.length;
  if (halves.length === 1 ? used !== 16 : used > 14) return undefined;
  const out = new Uint8Array(16);
  out.set(headBytes, 0);
  out.set(tailBytes, 16 - tailBytes.length);
  return out;
}
