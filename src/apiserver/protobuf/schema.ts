/**
 * Message schemas: the tables that drive the generic decoder. A table maps a message name to
 * its fields by number; each field is written as one short string so a whole API group reads
 * like its .proto file:
 *
 *   'replicas int32!'         a single value; `!` keeps a zero value (see below)
 *   'containers []Container'  a repeated field (here of messages)
 *   'labels map<string,string>'  a map, sent as repeated entries (key 1, value 2)
 *   '... VolumeSource'        an embedded message whose fields are inlined into the parent
 *
 * The name before the type is the JSON name. Types are the scalars (string, bytes, int32,
 * int64, bool, double), the special encodings (Quantity, Time, MicroTime, Duration,
 * IntOrString, RawExtension, StringList) or the name of another message.
 *
 * Zero values: Kubernetes' Go types write every non-pointer scalar on the wire, zero or not,
 * while their JSON form leaves out zero values tagged `omitempty`. So a scalar field without
 * `!` is dropped when it is zero (the JSON kubectl would have sent), and a field marked `!`
 * (a pointer in Go, such as `replicas`, or a field without `omitempty`, such as a container's
 * `name`) keeps a present zero. Absent fields are always absent. Tables are data only: this
 * module compiles and checks them and never touches bytes.
 */

export type ScalarType = 'string' | 'bytes' | 'int32' | 'int64' | 'bool' | 'double';
export type SpecialType =
  | 'Quantity'
  | 'Time'
  | 'MicroTime'
  | 'Duration'
  | 'IntOrString'
  | 'RawExtension'
  | 'StringList';

const SCALARS: ReadonlySet<string> = new Set<ScalarType>([
  'string',
  'bytes',
  'int32',
  'int64',
  'bool',
  'double',
]);
const SPECIALS: ReadonlySet<string> = new Set<SpecialType>([
  'Quantity',
  'Time',
  'MicroTime',
  'Duration',
  'IntOrString',
  'RawExtension',
  'StringList',
]);

export function isScalar(type: string): type is ScalarType {
  return SCALARS.has(type);
}

export function isSpecial(type: string): type is SpecialType {
  return SPECIALS.has(type);
}

/** A message name -> (field number -> field text) table for one API group or part of one. */
export type MessageTable = Readonly<Record<string, Readonly<Record<number, string>>>>;

export interface FieldSpec {
  /** The JSON name ('' for an inlined message). */
  readonly name: string;
  readonly shape: 'single' | 'repeated' | 'map' | 'inline';
  /** The value type: a scalar, a special encoding or a message name (a map's value type). */
  readonly type: string;
  /** Keep a zero value that is present on the wire (the `!` mark). */
  readonly keepZero: boolean;
}

export type MessageSchema = ReadonlyMap<number, FieldSpec>;

const FIELD = /^(\.\.\.|[A-Za-z_$][\w$-]*) (\[\])?(?:map<string,(\w+)>|(\w+))(!)?$/;

/** Parses one field text; throws (a table bug, not bad input) when it does not fit the grammar. */
export function parseField(text: string): FieldSpec {
  const m = FIELD.exec(text);
  if (!m) throw new Error(`protobuf schema: cannot parse field "${text}"`);
  const [, name, list, mapValue, type, bang] = m;
  const inline = name === '...';
  if ([inline, list !== undefined, mapValue !== undefined].filter(Boolean).length > 1) {
    throw new Error(`protobuf schema: field "${text}" mixes inline, repeated and map`);
  }
  const shape = inline ? 'inline' : list ? 'repeated' : mapValue ? 'map' : 'single';
  const valueType = (mapValue ?? type)!;
  if (bang && (shape !== 'single' || !(isScalar(valueType) || valueType === 'IntOrString'))) {
    throw new Error(`protobuf schema: "!" only applies to a single scalar or IntOrString: "${text}"`);
  }
  return { name: inline ? '' : name!, shape, type: valueType, keepZero: bang !== undefined };
}

/** Compiled tables, looked up by message name. */
export class Schema {
  private readonly messages = new Map<string, MessageSchema>();

  /** Throws if a message is defined twice or a field text does not parse. */
  constructor(tables: readonly MessageTable[]) {
    for (const table of tables) {
      for (const [name, fields] of Object.entries(table)) {
        if (this.messages.has(name)) throw new Error(`protobuf schema: message ${name} defined twice`);
        const compiled = new Map<number, FieldSpec>();
        for (const [num, text] of Object.entries(fields)) compiled.set(Number(num), parseField(text));
        this.messages.set(name, compiled);
      }
    }
  }

  message(name: string): MessageSchema | undefined {
    return this.messages.get(name);
  }

  names(): string[] {
    return [...this.messages.keys()];
  }

  /** Table mistakes: types that are neither scalar, special nor a known message; inlined scalars. */
  problems(): string[] {
    const out: string[] = [];
    for (const [name, fields] of this.messages) {
      const names = new Set<string>();
      for (const [num, f] of fields) {
        if (f.name !== '' && names.has(f.name)) out.push(`${name}.${num}: JSON name ${f.name} used twice`);
        names.add(f.name);
        const known = isScalar(f.type) || isSpecial(f.type) || this.messages.has(f.type);
        if (!known) out.push(`${name}.${num}: unknown type ${f.type}`);
        if (f.shape === 'inline' && !this.messages.has(f.type))
          out.push(`${name}.${num}: inlines a non-message`);
        if (!Number.isInteger(num) || num < 1) out.push(`${name}: bad field number ${num}`);
      }
    }
    return out;
  }
}
