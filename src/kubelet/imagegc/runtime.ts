/**
 * Image GC's view of the container runtime over CRI: ListImages, the images of every
 * container the runtime has (running or exited) plus the sandbox image, RemoveImage, and
 * the image filesystem's capacity and free bytes from statfs of the mount point CRI
 * ImageFsInfo names (the runtime's root when it names none).
 */
import { statfs } from 'node:fs/promises';
import type { CriClient } from '../cri/client.js';
import type { ImageRuntime } from './manager.js';
import type { RuntimeImage } from './policy.js';

export function criImageRuntime(
  cri: CriClient,
  o: { sandboxImage: string; fallbackRoot: string },
): ImageRuntime {
  const opts = (signal: AbortSignal) => ({ signal, timeoutMs: 30_000 });
  return {
    async listImages(signal): Promise<RuntimeImage[]> {
      const images = await cri.listImages(undefined, opts(signal));
      return images.map((i) => ({
        id: i.id,
        names: [...i.repo_tags, ...i.repo_digests],
        size: Number(i.size),
        pinned: i.pinned || i.repo_tags.includes(o.sandboxImage),
      }));
    },
    async imagesInUse(signal): Promise<Set<string>> {
      const containers = await cri.listContainers(undefined, opts(signal));
      const out = new Set<string>([o.sandboxImage]);
      for (const c of containers) {
        if (c.image_ref) out.add(c.image_ref);
        if (c.image_id) out.add(c.image_id);
        if (c.image?.image) out.add(c.image.image);
      }
      return out;
    },
    async removeImage(id, signal): Promise<void> {
      await cri.removeImage({ image: id }, opts(signal));
    },
    async imageFs(signal) {
      const info = await cri.imageFsInfo(opts(signal)).catch(() => undefined);
      const mount = info?.image_filesystems[0]?.fs_id?.mountpoint || o.fallbackRoot;
      const s = await statfs(mount);
      return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
    },
  };
}
