/**
 * The two messages of the standard gRPC health protocol (grpc.health.v1.Health/Check),
 * encoded and decoded by hand: HealthCheckRequest { string service = 1; } and
 * HealthCheckResponse { ServingStatus status = 1; }. Both directions are here so a test
 * server can speak the protocol too. Pure: no I/O, no gRPC channel.
 */

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/** ServingStatus names by number. */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function readVarint(buf: Buffer, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i] ?? 0;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('truncated varint');
}

/** The varint and length-delimited fields of a message (others are skipped). */
function fields(buf: Buffer): Map<number, number | Buffer> {
  const out = new Map<number, number | Buffer>();
  let at = 0;
  while (at < buf.length) {
    const [tag, afterTag] = readVarint(buf, at);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [v, next] = readVarint(buf, afterTag);
      out.set(field, v);
      at = next;
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, afterTag);
      if (start + len > buf.length) throw new Error('truncated field');
      out.set(field, buf.subarray(start, start + len));
      at = start + len;
    } else if (wire === 1 || wire === 5) {
      at = afterTag + (wire === 1 ? 8 : 4);
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

export function encodeHealthRequest(req: { service: string }): Buffer {
  if (!req.service) return Buffer.alloc(0);
  const bytes = Buffer.from(req.service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...varint(bytes.length)]), bytes]);
}

export function decodeHealthRequest(buf: Buffer): { service: string } {
  const v = fields(buf).get(1);
  return { service: Buffer.isBuffer(v) ? v.toString('utf8') : '' };
}

export function encodeHealthResponse(res: { status: number }): Buffer {
  return res.status ? Buffer.from([0x08, ...varint(res.status)]) : Buffer.alloc(0);
}

export function decodeHealthResponse(buf: Buffer): { status: number } {
  const v = fields(buf).get(1);
  return { status: typeof v === 'number' ? v : 0 };
}

/** The status's enum name, or its number for values the protocol does not define. */
export function servingStatusName(status: number): string {
  return SERVING_STATUS[status] ?? String(status);
}
