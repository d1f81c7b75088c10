/**
 * DNS messages as plain data (RFC 1035, EDNS0 from RFC 6891): header flags, the question,
 * resource records with typed data for the kinds this server reads and writes, and the
 * EDNS0 pseudo-record lifted out of the additional section. Names are presentation-form
 * strings without the final dot (see ./names.ts). Pure: types and constants only, no I/O.
 */

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const RRClass = { IN: 1, CH: 3, NONE: 254, ANY: 255 } as const;

export const Opcode = { QUERY: 0 } as const;

/** Response codes; values above 15 need EDNS0 (the upper bits travel in the OPT record). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

export interface Flags {
  /** A response (QR). */
  response: boolean;
  opcode: number;
  /** Authoritative answer (AA). */
  authoritative: boolean;
  /** Truncated (TC): the client should ask again over TCP. */
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  /** The AD and CD bits, carried through untouched. */
  authenticData: boolean;
  checkingDisabled: boolean;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export type RData =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'NS' | 'CNAME' | 'PTR'; target: string }
  | { kind: 'MX'; preference: number; exchange: string }
  | {
      kind: 'SOA';
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { kind: 'TXT'; strings: string[] }
  /** Any other type, as its wire bytes (types with names inside are listed above). */
  | { kind: 'raw'; bytes: Uint8Array };

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/** The OPT pseudo-record of EDNS0. */
export interface Edns {
  /** The largest UDP payload the sender can take. */
  udpSize: number;
  /** The upper 8 bits of a 12-bit response code. */
  extendedRcode: number;
  version: number;
  /** DNSSEC OK. */
  dnssecOk: boolean;
  options: EdnsOption[];
}

export interface Message {
  id: number;
  flags: Flags;
  /** The full response code (header bits plus the EDNS0 extension). */
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  /** Without the OPT record, which is `edns`. */
  additional: ResourceRecord[];
  edns?: Edns;
}

export const NO_FLAGS: Flags = {
  response: false,
  opcode: Opcode.QUERY,
  authoritative: false,
  truncated: false,
  recursionDesired: false,
  recursionAvailable: false,
  authenticData: false,
  checkingDisabled: false,
};

/** The name of an RR type for messages and logs (`TYPE65` for unknown ones, RFC 3597). */
export function typeName(type: number): string {
  for (const [name, value] of Object.entries(RRType)) if (value === type) return name;
  return `TYPE${type}`;
}
