/** Image garbage collection against a fake of the CRI image calls: selection, order, TTL, events. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageGC, type ImageRuntime } from './manager.js';
import { amountToFree, ImageGCPolicyError, validatePolicy } from './policy.js';

interface FakeImage {
  id: string;
  names: string[];
  size: number;
  pinned?: boolean;
}

function fakeRuntime(images: FakeImage[], fs: { capacityBytes: number; availableBytes: number }) {
  const inUse = new Set<string>();
  const removed: string[] = [];
  const failing = new Set<string>();
  const runtime: ImageRuntime = {
    listImages: async () => images.map((i) => ({ ...i, pinned: i.pinned ?? false })),
    imagesInUse: async () => new Set(inUse),
    removeImage: async (id) => {
      if (failing.has(id)) throw new Error('image is in use by a container');
      const i = images.findIndex((x) => x.id === id);
      if (i < 0) throw new Error('not found');
      const [img] = images.splice(i, 1);
      fs.availableBytes += img?.size ?? 0;
      removed.push(id);
    },
    imageFs: async () => ({ ...fs }),
  };
  return { runtime, inUse, removed, failing };
}

function gc(runtime: ImageRuntime, clock: { now: number }, minAgeMs = 60_000) {
  const events: string[] = [];
  const m = new ImageGC({
    runtime,
    policy: { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs },
    node: () => ({ kind: 'Node', metadata: { name: 'n' } }),
    events: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    log: () => undefined,
    now: () => clock.now,
  });
  return { m, events };
}

describe('image gc policy', () => {
  it('frees down to the low threshold from the high one', () => {
    const p = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 };
    assert.equal(amountToFree(p, 1000, 200), 0);
    assert.equal(amountToFree(p, 1000, 150), 50);
    assert.equal(amountToFree(p, 1000, 100), 100);
    assert.throws(
      () => validatePolicy({ highThresholdPercent: 70, lowThresholdPercent: 80, minAgeMs: 0 }),
      (e: unknown) =>
        e instanceof ImageGCPolicyError &&
        e.message === 'LowThresholdPercent 80 can not be higher than HighThresholdPercent 70',
    );
    assert.throws(() => validatePolicy({ highThresholdPercent: 101, lowThresholdPercent: 80, minAgeMs: 0 }));
  });
});

describe('image gc', () => {
  it('removes unused, unpinned images old enough, least recently used first, until under low', async () => {
    const clock = { now: 1_000_000 };
    const images: FakeImage[] = [
      { id: 'sha256:pause', names: ['pause:3.10'], size: 100, pinned: true },
      { id: 'sha256:a', names: ['a:1'], size: 50 },
      { id: 'sha256:b', names: ['b:1'], size: 50 },
      { id: 'sha256:c', names: ['c:1'], size: 50 },
    ];
    const fs = { capacityBytes: 1000, availableBytes: 100 };
    const f = fakeRuntime(images, fs);
    const { m, events } = gc(f.runtime, clock);
    // First look: all present "long ago". b is in use, then a; c never used.
    f.inUse.add('b:1');
    fs.availableBytes = 500;
    await m.garbageCollect(new AbortController().signal);
    assert.deepEqual(f.removed, [], 'below the high threshold nothing goes');
    f.inUse.clear();
    f.inUse.add('sha256:a');
    clock.now += 10_000;
    await m.garbageCollect(new AbortController().signal);
    // A new image, pulled just now: the TTL keeps it.
    images.push({ id: 'sha256:d', names: ['d:1'], size: 100 });
    f.inUse.clear();
    clock.now += 10_000;
    fs.availableBytes = 0;
    await assert.rejects(
      m.garbageCollect(new AbortController().signal),
      /Attempted to free 200 bytes, but only found 150 bytes eligible to free\./,
    );
    // c (never used) before b (used at the first look) before a (used later).
    assert.deepEqual(f.removed, ['sha256:c', 'sha256:b', 'sha256:a']);
    assert.ok(images.some((i) => i.id === 'sha256:pause'));
    assert.ok(images.some((i) => i.id === 'sha256:d'));
    assert.match(
      events.at(-1) ?? '',
      /^Warning FreeDiskSpaceFailed Failed to garbage collect required amount of images\./,
    );
  });

  it('stops once enough is free and keeps images in use', async () => {
    const clock = { now: 5_000_000 };
    const images: FakeImage[] = [
      { id: 'sha256:a', names: ['a:1'], size: 100 },
      { id: 'sha256:b', names: ['b:1'], size: 100 },
      { id: 'sha256:c', names: ['c:1'], size: 300 },
    ];
    const f = fakeRuntime(images, { capacityBytes: 1000, availableBytes: 100 });
    f.inUse.add('sha256:c');
    const { m, events } = gc(f.runtime, clock);
    await m.garbageCollect(new AbortController().signal);
    assert.deepEqual(f.removed, ['sha256:a']);
    assert.deepEqual(events, []);
  });

  it('reports removal errors and repeated failures', async () => {
    const clock = { now: 5_000_000 };
    const images: FakeImage[] = [{ id: 'sha256:a', names: ['a:1'], size: 100 }];
    const f = fakeRuntime(images, { capacityBytes: 1000, availableBytes: 0 });
    f.failing.add('sha256:a');
    const { m, events } = gc(f.runtime, clock);
    await assert.rejects(
      m.garbageCollect(new AbortController().signal),
      /wanted to free 200 bytes, but freed 0 bytes space with errors in image deletion/,
    );
    const ac = new AbortController();
    const imageGC = new ImageGC({
      runtime: f.runtime,
      policy: { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 },
      periodMs: 1,
      node: () => ({ kind: 'Node', metadata: { name: 'n' } }),
      events: (_o, _t, reason) => {
        events.push(reason);
        if (reason === 'ImageGCFailed') ac.abort();
      },
      log: () => undefined,
    });
    await imageGC.run(ac.signal);
    assert.ok(events.includes('ImageGCFailed'));
  });

  it('deleteUnusedImages frees everything eligible', async () => {
    const clock = { now: 5_000_000 };
    const images: FakeImage[] = [
      { id: 'sha256:a', names: ['a:1'], size: 100 },
      { id: 'sha256:b', names: ['b:1'], size: 100 },
    ];
    const f = fakeRuntime(images, { capacityBytes: 1000, availableBytes: 900 });
    f.inUse.add('b:1');
    const { m } = gc(f.runtime, clock);
    assert.equal(await m.deleteUnusedImages(new AbortController().signal), 100);
    assert.deepEqual(f.removed, ['sha256:a']);
  });
});
