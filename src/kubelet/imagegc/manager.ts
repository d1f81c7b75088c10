/**
 * The kubelet's image garbage collector (upstream's realImageGCManager): every 5 minutes
 * it detects the runtime's images (those present at start count as detected long ago) and
 * the images its containers use; when the image filesystem is at or above the high
 * threshold it removes unused images through CRI RemoveImage, least recently used first,
 * until the low threshold is reached. It records FreeDiskSpaceFailed on the node when it
 * could not free enough, InvalidDiskCapacity for a filesystem of capacity 0, and
 * ImageGCFailed when a run fails twice in a row. With a high threshold of 100 it never
 * runs. deleteUnusedImages() frees everything eligible (node-pressure eviction calls it).
 * The runtime is injected (./runtime.ts is the CRI one).
 */
import type { KObject } from '../../registry/types.js';
import { sleep } from '../../util/sleep.js';
import {
  amountToFree,
  detectImages,
  evictionOrder,
  type ImageGCPolicy,
  type ImageRecord,
  type RuntimeImage,
} from './policy.js';

/** What image GC needs of the container runtime. */
export interface ImageRuntime {
  listImages(signal: AbortSignal): Promise<RuntimeImage[]>;
  /** Image ids and names used by the runtime's containers, running or not, and sandboxes. */
  imagesInUse(signal: AbortSignal): Promise<Set<string>>;
  removeImage(id: string, signal: AbortSignal): Promise<void>;
  /** The image filesystem's capacity and available bytes. */
  imageFs(signal: AbortSignal): Promise<{ capacityBytes: number; availableBytes: number }>;
}

export interface ImageGCOptions {
  runtime: ImageRuntime;
  policy: ImageGCPolicy;
  /** How often it looks (upstream: 5 min). */
  periodMs?: number;
  node: () => KObject;
  events: (obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  log: (m: string) => void;
  now?: () => number;
}

export class ImageGC {
  private readonly records = new Map<string, ImageRecord>();
  private initialized = false;
  /** Image GC runs (periodic and on demand) one at a time. */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ImageGCOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.busy.then(f, f);
    this.busy = p.catch(() => undefined);
    return p;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.o.policy.highThresholdPercent >= 100) {
      this.o.log('image gc: --image-gc-high-threshold is 100, image garbage collection is off');
      return;
    }
    let failedBefore = false;
    while (!signal.aborted) {
      try {
        await this.garbageCollect(signal);
        failedBefore = false;
      } catch (err) {
        if (signal.aborted) break;
        const message = (err as Error).message;
        this.o.log(`image gc: ${message}`);
        // Only repeated failures become an event (the first may be stats not ready yet).
        if (failedBefore) this.o.events(this.o.node(), 'Warning', 'ImageGCFailed', message);
        failedBefore = true;
      }
      await sleep(this.o.periodMs ?? 5 * 60_000, signal);
    }
  }

  private async detect(signal: AbortSignal, now: number): Promise<Set<string>> {
    const [images, inUse] = await Promise.all([
      this.o.runtime.listImages(signal),
      this.o.runtime.imagesInUse(signal),
    ]);
    // Images there before the first look were detected "long ago": the TTL does not keep them.
    const used = detectImages(this.records, images, inUse, this.initialized ? now : 0, now);
    this.initialized = true;
    return used;
  }

  /** One periodic run: frees down to the low threshold when at or above the high one. */
  garbageCollect(signal: AbortSignal): Promise<void> {
    return this.serial(async () => {
      const now = this.now();
      const used = await this.detect(signal, now);
      const fs = await this.o.runtime.imageFs(signal);
      if (fs.capacityBytes <= 0) {
        const message = 'invalid capacity 0 on image filesystem';
        this.o.events(this.o.node(), 'Warning', 'InvalidDiskCapacity', message);
        throw new Error(message);
      }
      const want = amountToFree(this.o.policy, fs.capacityBytes, fs.availableBytes);
      if (want <= 0) return;
      this.o.log(
        `image gc: image filesystem usage at or over ${this.o.policy.highThresholdPercent}%, freeing ${want} bytes down to ${this.o.policy.lowThresholdPercent}%`,
      );
      const freed = await this.freeSpace(want, used, now, signal);
      if (freed < want) {
        const message = `Failed to garbage collect required amount of images. Attempted to free ${want} bytes, but only found ${freed} bytes eligible to free.`;
        this.o.events(this.o.node(), 'Warning', 'FreeDiskSpaceFailed', message);
        throw new Error(message);
      }
    });
  }

  /** Removes every unused image old enough; resolves to the bytes freed. */
  deleteUnusedImages(signal: AbortSignal): Promise<number> {
    return this.serial(async () => {
      const now = this.now();
      const used = await this.detect(signal, now);
      return this.freeSpace(Number.POSITIVE_INFINITY, used, now, signal);
    });
  }

  private async freeSpace(
    want: number,
    used: Set<string>,
    now: number,
    signal: AbortSignal,
  ): Promise<number> {
    let freed = 0;
    const errors: string[] = [];
    for (const img of evictionOrder(this.records, used, now, this.o.policy.minAgeMs)) {
      try {
        await this.o.runtime.removeImage(img.id, signal);
      } catch (err) {
        errors.push(`${img.id}: ${(err as Error).message}`);
        continue;
      }
      this.records.delete(img.id);
      this.o.log(`image gc: removed image ${img.id} (${img.size} bytes)`);
      freed += img.size;
      if (freed >= want) break;
    }
    if (errors.length > 0) {
      const goal = Number.isFinite(want) ? want : freed;
      throw new Error(
        `wanted to free ${goal} bytes, but freed ${freed} bytes space with errors in image deletion: [${errors.join(', ')}]`,
      );
    }
    return freed;
  }
}
