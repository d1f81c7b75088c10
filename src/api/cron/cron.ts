/**
 * Parsing of CronJob schedules, as the standard cron parser Kubernetes uses: five fields
 * (minute, hour, day of month, month, day of week) of `*`, `?`, numbers, names (JAN-DEC,
 * SUN-SAT, any case), ranges `a-b`, steps `/n` and lists `a,b`; the descriptors @yearly,
 * @annually, @monthly, @weekly, @daily, @midnight, @hourly and `@every <duration>`; and a
 * leading `CRON_TZ=<zone>` or `TZ=<zone>`. Errors carry the parser's messages. Pure.
 */

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

/** A field's allowed values, index = value. */
export type Field = readonly boolean[];

export interface SpecSchedule {
  kind: 'spec';
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
  /** Day of month / day of week given as `*` or `?` (then both must match, else either). */
  domStar: boolean;
  dowStar: boolean;
  /** The zone of a CRON_TZ= or TZ= prefix. */
  timeZone?: string;
}

export interface EverySchedule {
  kind: 'every';
  /** Whole seconds, at least one. */
  seconds: number;
  timeZone?: string;
}

export type Schedule = SpecSchedule | EverySchedule;

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTE: Bounds = { min: 0, max: 59 };
const HOUR: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTH: Bounds = { min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) };
const DOW: Bounds = { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) };

function parseInt10(s: string, expr: string): number {
  if (!/^[+-]?\d+$/.test(s))
    throw new CronError(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(s: string, b: Bounds, expr: string): number {
  const named = b.names?.[s.toLowerCase()];
  return named ?? parseInt10(s, expr);
}

/** One range of a field: `*`, `n`, `a-b`, each optionally `/step`. Returns whether it was a star. */
function addRange(expr: string, b: Bounds, bits: boolean[]): boolean {
  const rangeAndStep = expr.split('/');
  const lowHigh = rangeAndStep[0]!.split('-');
  const single = lowHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowHigh[0]!, b, expr);
    if (lowHigh.length === 1) end = start;
    else if (lowHigh.length === 2) end = intOrName(lowHigh[1]!, b, expr);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt10(rangeAndStep[1]!, expr);
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) bits[v] = true;
  return star;
}

function parseField(field: string, b: Bounds): { bits: Field; star: boolean } {
  const bits: boolean[] = new Array(b.max + 1).fill(false);
  let star = false;
  for (const part of field.split(',')) if (addRange(part, b, bits)) star = true;
  return { bits, star };
}

function only(b: Bounds, ...values: number[]): Field {
  const bits: boolean[] = new Array(b.max + 1).fill(false);
  for (const v of values) bits[v] = true;
  return bits;
}

function all(b: Bounds): Field {
  return only(b, ...Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i));
}

function spec(minute: Field, hour: Field, dom: Field | null, month: Field, dow: Field | null): SpecSchedule {
  return {
    kind: 'spec',
    minute,
    hour,
    dom: dom ?? all(DOM),
    month,
    dow: dow ?? all(DOW),
    domStar: dom === null,
    dowStar: dow === null,
  };
}

/** Go's duration syntax: "1h30m", "90s", "1.5h". */
export function parseGoDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new CronError(`time: invalid duration "${s}"`);
  let total = 0;
  re.lastIndex = 0;
  while (re.lastIndex < rest.length) {
    const m = re.exec(rest);
    if (!m) throw new CronError(`time: invalid duration "${s}"`);
    total += Number(m[1]) * units[m[2]!]!;
  }
  return sign * total;
}

function descriptor(d: string): Schedule {
  switch (d) {
    case '@yearly':
    case '@annually':
      return spec(only(MINUTE, 0), only(HOUR, 0), only(DOM, 1), only(MONTH, 1), null);
    case '@monthly':
      return spec(only(MINUTE, 0), only(HOUR, 0), only(DOM, 1), all(MONTH), null);
    case '@weekly':
      return spec(only(MINUTE, 0), only(HOUR, 0), null, all(MONTH), only(DOW, 0));
    case '@daily':
    case '@midnight':
      return spec(only(MINUTE, 0), only(HOUR, 0), null, all(MONTH), null);
    case '@hourly':
      return spec(only(MINUTE, 0), all(HOUR), null, all(MONTH), null);
  }
  if (d.startsWith('@every ')) {
    let seconds: number;
    try {
      seconds = parseGoDuration(d.slice('@every '.length));
    } catch (err) {
      throw new CronError(`failed to parse duration ${d}: ${(err as Error).message}`);
    }
    return { kind: 'every', seconds: Math.max(1, Math.floor(seconds)) };
  }
  throw new CronError(`unrecognized descriptor: ${d}`);
}

/**
 * Parses a schedule. `validZone` tells whether a CRON_TZ=/TZ= zone name exists; a bad one
 * is an error as in the parser ("provided bad location").
 */
export function parseSchedule(input: string, validZone: (name: string) => boolean = () => true): Schedule {
  let s = input.trim();
  if (s === '') throw new CronError('empty spec string');
  let timeZone: string | undefined;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const sp = s.indexOf(' ');
    const eq = s.indexOf('=');
    const name = sp < 0 ? s.slice(eq + 1) : s.slice(eq + 1, sp);
    if (!validZone(name)) throw new CronError(`provided bad location ${name}: unknown time zone ${name}`);
    timeZone = name;
    s = sp < 0 ? '' : s.slice(sp).trim();
  }
  let out: Schedule;
  if (s.startsWith('@')) {
    out = descriptor(s);
  } else {
    const fields = s.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) {
      throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
    }
    const [mi, h, dom, mo, dow] = fields as [string, string, string, string, string];
    const d = parseField(dom, DOM);
    const w = parseField(dow, DOW);
    out = {
      kind: 'spec',
      minute: parseField(mi, MINUTE).bits,
      hour: parseField(h, HOUR).bits,
      dom: d.bits,
      month: parseField(mo, MONTH).bits,
      dow: w.bits,
      domStar: d.star,
      dowStar: w.star,
    };
  }
  if (timeZone !== undefined) out.timeZone = timeZone;
  return out;
}
