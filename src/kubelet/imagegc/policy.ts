/**
 * Image garbage collection decisions, as upstream's image GC manager makes them: the
 * kubelet's record of each image (when it was first detected, when a container last used
 * it, its size), the flags' policy (--image-gc-high-threshold 85, --image-gc-low-threshold
 * 80, --minimum-image-ttl-duration 2m) and its checks, how much to free (usage at or above
 * high: enough to come down to low) and which images may go, in order: not used by any
 * container (running or not), not pinned and not the sandbox image, first detected at
 * least the TTL ago; least recently used first, then first detected first. Pure.
 */

export interface ImageGCPolicy {
  highThresholdPercent: number;
  lowThresholdPercent: number;
  minAgeMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGCPolicy = {
  highThresholdPercent: 85,
  lowThresholdPercent: 80,
  minAgeMs: 2 * 60_000,
};

export class ImageGCPolicyError extends Error {}

/** Upstream's checks of the thresholds. */
export function validatePolicy(p: ImageGCPolicy): void {
  if (!Number.isInteger(p.highThresholdPercent) || p.highThresholdPercent < 0 || p.highThresholdPercent > 100)
    throw new ImageGCPolicyError(
      `invalid HighThresholdPercent ${p.highThresholdPercent}, must be in range [0-100]`,
    );
  if (!Number.isInteger(p.lowThresholdPercent) || p.lowThresholdPercent < 0 || p.lowThresholdPercent > 100)
    throw new ImageGCPolicyError(
      `invalid LowThresholdPercent ${p.lowThresholdPercent}, must be in range [0-100]`,
    );
  if (p.lowThresholdPercent > p.highThresholdPercent)
    throw new ImageGCPolicyError(
      `LowThresholdPercent ${p.lowThresholdPercent} can not be higher than HighThresholdPercent ${p.highThresholdPercent}`,
    );
}

/** What the kubelet remembers about one image. */
export interface ImageRecord {
  /** When first seen; 0 for images present when the kubelet started ("long ago"). */
  firstDetected: number;
  /** When a container last used it; 0 if never seen in use. */
  lastUsed: number;
  size: number;
  pinned: boolean;
}

/** An image as the runtime lists it. */
export interface RuntimeImage {
  id: string;
  names: string[];
  size: number;
  pinned: boolean;
}

/**
 * Updates `records` from the runtime's images and the image references its containers use
 * (`inUse`: ids or names), detecting new images at `detectedAt`; returns the ids in use.
 */
export function detectImages(
  records: Map<string, ImageRecord>,
  images: readonly RuntimeImage[],
  inUse: ReadonlySet<string>,
  detectedAt: number,
  now: number,
): Set<string> {
  const used = new Set<string>();
  const present = new Set<string>();
  for (const img of images) {
    present.add(img.id);
    let r = records.get(img.id);
    if (!r) {
      r = { firstDetected: detectedAt, lastUsed: 0, size: img.size, pinned: img.pinned };
      records.set(img.id, r);
    }
    r.size = img.size;
    r.pinned = img.pinned;
    if (inUse.has(img.id) || img.names.some((n) => inUse.has(n))) {
      r.lastUsed = now;
      used.add(img.id);
    }
  }
  for (const id of records.keys()) if (!present.has(id)) records.delete(id);
  return used;
}

/** Bytes to free: 0 below the high threshold, else down to the low threshold. */
export function amountToFree(p: ImageGCPolicy, capacity: number, available: number): number {
  const avail = Math.min(available, capacity);
  const usagePercent = 100 - Math.floor((avail * 100) / capacity);
  if (usagePercent < p.highThresholdPercent) return 0;
  return Math.floor((capacity * (100 - p.lowThresholdPercent)) / 100) - avail;
}

/** The images that may be removed at `now`, in the order to remove them. */
export function evictionOrder(
  records: ReadonlyMap<string, ImageRecord>,
  inUse: ReadonlySet<string>,
  now: number,
  minAgeMs: number,
): { id: string; size: number }[] {
  return [...records]
    .filter(([id, r]) => !inUse.has(id) && !r.pinned && r.lastUsed < now && now - r.firstDetected >= minAgeMs)
    .sort(([, a], [, b]) =>
      a.lastUsed !== b.lastUsed ? a.lastUsed - b.lastUsed : a.firstDetected - b.firstDetected,
    )
    .map(([id, r]) => ({ id, size: r.size }));
}
