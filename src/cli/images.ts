/**
 * `k8ts images`: the images of this node's containerd (the one `k8ts server` or `k8ts
 * agent` runs under DIR/agent/containerd). `import FILE...` loads OCI or Docker archives
 * (`.tar`, `.tar.gz`) into containerd's CRI namespace, so pods can use them without a
 * registry; `list` prints the images with their sizes. It never starts containerd: when
 * its socket does not answer, it says so in one line and exits 1.
 */
import { join } from 'node:path';
import { containerdLayout } from '../kubelet/containerd/config.js';
import { CriClient } from '../kubelet/cri/client.js';
import type { Image } from '../kubelet/cri/types.js';
import { checkContainerdSocket, importArchive } from '../kubelet/images/import.js';
import type { CliContext, Command } from './command.js';
import { dataDirFlag } from './common-flags.js';
import { parseFlags, UsageError } from './flags.js';
import { commandHelp, PROGRAM } from './help.js';

const flags = { 'data-dir': dataDirFlag } as const;

const info = {
  name: 'images',
  summary: "Import image archives into this node's containerd, or list its images",
  description: [
    'Works on the containerd of the node whose state is in --data-dir (its socket is',
    'DIR/agent/containerd/containerd.sock), in its CRI namespace k8s.io:',
    '  import FILE...   load OCI or Docker image archives (.tar, .tar.gz), as made by',
    '                   `docker save`, `skopeo copy ... docker-archive:` or `oci-archive:`',
    '  list             print the images (REF, SIZE)',
    'The node must be running (k8ts server or k8ts agent).',
  ],
  flags,
};

/** The containerd socket of the node whose data directory is `dataDir`. */
export function nodeContainerdSocket(dataDir: string): string {
  return containerdLayout(join(dataDir, 'agent', 'containerd')).socket;
}

/** A size as crictl prints it: three significant digits, decimal units. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${Number(n.toPrecision(3))}${units[i]}`;
}

/** The rows of `images list`: every name of every image, sorted. */
export function imageRows(images: readonly Image[]): [string, string][] {
  const rows: [string, string][] = [];
  for (const img of images) {
    const names =
      img.repo_tags.length > 0 ? img.repo_tags : img.repo_digests.length > 0 ? img.repo_digests : [img.id];
    for (const name of names) rows.push([name, humanSize(Number(img.size))]);
  }
  return rows.sort((a, b) => a[0].localeCompare(b[0]));
}

function help(): string {
  return commandHelp(info).replace(
    `  ${PROGRAM} images [flags]`,
    `  ${PROGRAM} images import [flags] FILE...\n  ${PROGRAM} images list [flags]`,
  );
}

async function runImport(files: string[], socket: string, ctx: CliContext): Promise<number> {
  if (files.length === 0)
    throw new UsageError('images import needs at least one archive: images import FILE...');
  await checkContainerdSocket(socket);
  for (const file of files) {
    const names = await importArchive(file, socket, { signal: ctx.signal });
    ctx.out(`${file}: imported ${names.length > 0 ? names.join(', ') : '(no named images)'}`);
  }
  return 0;
}

async function runList(socket: string, ctx: CliContext): Promise<number> {
  await checkContainerdSocket(socket);
  const cri = new CriClient({ address: socket });
  try {
    const rows = imageRows(await cri.listImages(undefined, { signal: ctx.signal }));
    const width = Math.max(3, ...rows.map(([ref]) => ref.length));
    ctx.out(
      [`${'REF'.padEnd(width)}   SIZE`, ...rows.map(([ref, size]) => `${ref.padEnd(width)}   ${size}`)].join(
        '\n',
      ),
    );
  } finally {
    cri.close();
  }
  return 0;
}

export const imagesCommand: Command = {
  ...info,
  async main(argv, ctx) {
    const parsed = parseFlags(flags, argv);
    if (parsed.help) {
      ctx.out(help());
      return 0;
    }
    const [verb, ...rest] = parsed.args;
    const socket = nodeContainerdSocket(parsed.flags['data-dir']);
    if (verb === undefined) throw new UsageError('missing subcommand: import or list');
    if (verb !== 'import' && verb !== 'list') {
      throw new UsageError(`unknown subcommand "${verb}" (want import or list)`);
    }
    if (verb === 'list' && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    try {
      return verb === 'import' ? await runImport(rest, socket, ctx) : await runList(socket, ctx);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      ctx.err(`${PROGRAM} images ${verb}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  },
};
