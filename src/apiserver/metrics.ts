/**
 * Prometheus metrics of the API server: request counts and latency histograms by verb,
 * resource and code, storage call latencies, and the number of open watches. Text
 * exposition format 0.0.4. Pure bookkeeping; the server calls observe().
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

class Histogram {
  readonly counts = new Array<number>(BUCKETS.length).fill(0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) this.counts[i]!++;
  }
}

function labels(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

export class Metrics {
  private readonly requests = new Map<string, { l: Record<string, string>; n: number }>();
  private readonly latency = new Map<string, { l: Record<string, string>; h: Histogram }>();
  private readonly storage = new Map<string, { l: Record<string, string>; h: Histogram }>();
  openWatches = 0;

  observeRequest(verb: string, resource: string, code: number, seconds: number): void {
    // Keyed by the raw values: the label text is only built for a new series and when rendered.
    const lk = `${verb}\u0000${resource}`;
    const rk = `${lk}\u0000${code}`;
    let r = this.requests.get(rk);
    if (!r) {
      r = { l: { verb: verb.toUpperCase(), resource, code: String(code) }, n: 0 };
      this.requests.set(rk, r);
    }
    r.n++;
    let h = this.latency.get(lk);
    if (!h) {
      h = { l: { verb: verb.toUpperCase(), resource }, h: new Histogram() };
      this.latency.set(lk, h);
    }
    h.h.observe(seconds);
  }

  observeStorage(operation: string, seconds: number): void {
    let h = this.storage.get(operation);
    if (!h) {
      h = { l: { operation }, h: new Histogram() };
      this.storage.set(operation, h);
    }
    h.h.observe(seconds);
  }

  render(extra: Record<string, number> = {}): string {
    const out: string[] = [];
    out.push(
      '# HELP apiserver_request_total Counter of apiserver requests broken out by verb, resource and HTTP response code.',
    );
    out.push('# TYPE apiserver_request_total counter');
    for (const { l, n } of this.requests.values()) out.push(`apiserver_request_total{${labels(l)}} ${n}`);
    histogram(
      out,
      'apiserver_request_duration_seconds',
      'Response latency distribution in seconds for each verb and resource.',
      this.latency,
    );
    histogram(
      out,
      'k8ts_storage_duration_seconds',
      'Latency of storage calls in seconds by operation.',
      this.storage,
    );
    out.push('# HELP apiserver_longrunning_requests Number of open watch requests.');
    out.push('# TYPE apiserver_longrunning_requests gauge');
    out.push(`apiserver_longrunning_requests{verb="WATCH"} ${this.openWatches}`);
    for (const [name, v] of Object.entries(extra)) {
      out.push(`# TYPE ${name} gauge`);
      out.push(`${name} ${v}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function histogram(
  out: string[],
  name: string,
  help: string,
  m: Map<string, { l: Record<string, string>; h: Histogram }>,
): void {
  out.push(`# HELP ${name} ${help}`);
  out.push(`# TYPE ${name} histogram`);
  for (const { l, h } of m.values()) {
    const base = labels(l);
    BUCKETS.forEach((b, i) => {
      out.push(`${name}_bucket{${base},le="${b}"} ${h.counts[i]}`);
    });
    out.push(`${name}_bucket{${base},le="+Inf"} ${h.count}`);
    out.push(`${name}_sum{${base}} ${h.sum}`);
    out.push(`${name}_count{${base}} ${h.count}`);
  }
}
