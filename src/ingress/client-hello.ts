/**
 * Reading the server name (SNI) from the start of a TLS connection: the ClientHello
 * handshake message, which may span several TLS records, parsed just far enough to find
 * the server_name extension (RFC 8446 4.1.2, RFC 6066 3). Used to choose a connection's
 * certificate before the TLS socket exists, so it has exactly that certificate. Pure:
 * works on Uint8Array, never throws.
 */

export type ClientHello =
  /** More bytes are needed. */
  | { kind: 'incomplete' }
  /** Not a TLS ClientHello (plain HTTP on the TLS port, garbage). */
  | { kind: 'invalid' }
  | { kind: 'hello'; serverName?: string };

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME = 0x0000;
const HOST_NAME = 0x00;
/** The largest record payload a peer may send (2^14 plus expansion allowance). */
const MAX_RECORD = 16_384 + 2_048;

const INCOMPLETE: ClientHello = { kind: 'incomplete' };
const INVALID: ClientHello = { kind: 'invalid' };

/**
 * The handshake bytes carried by the leading handshake records (a record that has only
 * partly arrived gives what it has), or undefined when a record is not a TLS handshake.
 */
function handshakeBytes(data: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let total = 0;
  let off = 0;
  while (off + 5 <= data.length) {
    if (data[off] !== HANDSHAKE || data[off + 1] !== 0x03) return undefined;
    const len = ((data[off + 3] ?? 0) << 8) | (data[off + 4] ?? 0);
    if (len > MAX_RECORD) return undefined;
    const part = data.subarray(off + 5, Math.min(data.length, off + 5 + len));
    parts.push(part);
    total += part.length;
    off += 5 + len;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** Parses what has arrived so far of a connection's first bytes. */
export function parseClientHello(data: Uint8Array): ClientHello {
  if (data.length >= 1 && data[0] !== HANDSHAKE) return INVALID;
  if (data.length >= 2 && data[1] !== 0x03) return INVALID;
  const b = handshakeBytes(data);
  if (!b) return INVALID;
  if (b.length < 4) return INCOMPLETE;
  if (b[0] !== CLIENT_HELLO) return INVALID;
  const msgLen = ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0);
  if (b.length < 4 + msgLen) return INCOMPLETE;
  return readHello(b.subarray(4, 4 + msgLen));
}

function readHello(m: Uint8Array): ClientHello {
  const u8 = (i: number) => m[i] ?? 0;
  const u16 = (i: number) => (u8(i) << 8) | u8(i + 1);
  // legacy_version (2) and random (32).
  let off = 34;
  if (off + 1 > m.length) return INVALID;
  off += 1 + u8(off); // session id
  if (off + 2 > m.length) return INVALID;
  off += 2 + u16(off); // cipher suites
  if (off + 1 > m.length) return INVALID;
  off += 1 + u8(off); // compression methods
  if (off === m.length) return { kind: 'hello' }; // no extensions at all
  if (off + 2 > m.length) return INVALID;
  const end = off + 2 + u16(off);
  if (end > m.length) return INVALID;
  off += 2;
  while (off + 4 <= end) {
    const type = u16(off);
    const len = u16(off + 2);
    const body = off + 4;
    if (body + len > end) return INVALID;
    if (type === SERVER_NAME) return { kind: 'hello', ...serverName(m.subarray(body, body + len)) };
    off = body + len;
  }
  return { kind: 'hello' };
}

function serverName(ext: Uint8Array): { serverName?: string } {
  const u16 = (i: number) => ((ext[i] ?? 0) << 8) | (ext[i + 1] ?? 0);
  const end = Math.min(ext.length, 2 + u16(0));
  let off = 2;
  while (off + 3 <= end) {
    const type = ext[off];
    const len = u16(off + 1);
    const start = off + 3;
    if (start + len > end) return {};
    if (type === HOST_NAME) {
      let name = '';
      for (let i = start; i < start + len; i++) name += String.fromCharCode(ext[i] ?? 0);
      return { serverName: name };
    }
    off = start + len;
  }
  return {};
}
