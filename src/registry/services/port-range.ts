/**
 * The NodePort range (`--service-node-port-range`, default 30000-32767), written as
 * `low-high`, `base+extra` or a single port, and its lower static band that dynamic
 * allocation avoids (Kubernetes' ServiceNodePortStaticSubrange: min(max(16, size/32), 128)
 * ports). Pure: no I/O.
 */

export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export class PortRange {
  /** Offsets below this are the static band. */
  readonly staticSize: number;

  private constructor(
    readonly base: number,
    readonly size: number,
  ) {
    this.staticSize = size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 32)), 128);
  }

  /** Parses the flag's value; throws an Error saying what is wrong. */
  static parse(text: string): PortRange {
    const value = text.trim();
    const m = /^(\d{1,5})(?:([-+])(\d{1,5}))?$/.exec(value);
    if (!m) throw new Error(`invalid port range ${JSON.stringify(text)}: want LOW-HIGH, such as 30000-32767`);
    const low = Number(m[1]);
    const high = m[2] === '+' ? low + Number(m[3]) : m[2] === '-' ? Number(m[3]) : low;
    if (low < 1) throw new Error(`the port range must start at 1 or above: ${value}`);
    if (high > 65535) throw new Error(`the port range cannot be greater than 65535: ${value}`);
    if (high < low) throw new Error(`end port cannot be less than start port: ${value}`);
    return new PortRange(low, high - low + 1);
  }

  /** `low-high`, as upstream prints the range in error messages. */
  get text(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }

  offsetOf(port: number): number | undefined {
    const off = port - this.base;
    return Number.isInteger(off) && off >= 0 && off < this.size ? off : undefined;
  }

  portAt(offset: number): number {
    return this.base + offset;
  }
}
