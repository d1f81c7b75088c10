/**
 * Records core/v1 Events about objects, as `kubectl describe` shows them. Repeats of the
 * same reason and message for the same object within ten minutes update one Event's
 * count instead of creating new ones. Best effort: a failed write is logged, not thrown.
 */
import type { Client } from '../../client/client.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  event(obj: KObject, type: EventType, reason: string, message: string): void;
}

const DEDUP_WINDOW_MS = 10 * 60_000;

let lastStamp = 0n;

/** Nanoseconds since the epoch, strictly increasing in this process: unique Event names. */
function uniqueStamp(nowMs: number): string {
  let s = BigInt(Math.floor(nowMs)) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (s <= lastStamp) s = lastStamp + 1n;
  lastStamp = s;
  return s.toString(16);
}

export class ApiEventRecorder implements EventRecorder {
  private readonly recent = new Map<
    string,
    { name: string; namespace: string; count: number; at: number; first: string }
  >();

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly log: (msg: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    void this.write(obj, type, reason, message).catch((err: unknown) => {
      this.log(`event ${reason} for ${obj.metadata?.name}: ${(err as Error).message}`);
    });
  }

  private async write(obj: KObject, type: EventType, reason: string, message: string): Promise<void> {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    const events = this.client.resource('', 'v1', 'events');
    const key = `${m.uid}/${type}/${reason}/${message}`;
    const now = this.now();
    const prev = this.recent.get(key);
    if (prev && now - prev.at < DEDUP_WINDOW_MS) {
      prev.count++;
      prev.at = now;
      await events.patch(prev.namespace, prev.name, { count: prev.count, lastTimestamp: timestamp(now) });
      return;
    }
    if (this.recent.size > 4096) this.recent.clear();
    const name = `${m.name}.${uniqueStamp(now)}`;
    const ts = timestamp(now);
    await events.create(namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        apiVersion: obj.apiVersion,
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resourceVersion: m.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    });
    this.recent.set(key, { name, namespace, count: 1, at: now, first: ts });
  }
}
