/**
 * hostPath checks, as the kubelet makes them before a container may use the path: the
 * `type` (DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice,
 * BlockDevice; unset checks nothing) with upstream's error messages, creating the
 * directory (0755) or the empty file (0644) for the *OrCreate types. Never deletes or
 * changes existing host data.
 */
import { mkdir, open, stat } from 'node:fs/promises';

type FileType = 'Directory' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice' | 'Unknown';

/** Go's os.Stat error text for `path`, e.g. `stat /x: no such file or directory`. */
function goError(op: string, path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'not a directory',
    EACCES: 'permission denied',
    EEXIST: 'file exists',
    EISDIR: 'is a directory',
  };
  return `${op} ${path}: ${(code && text[code]) ?? (err as Error).message}`;
}

async function fileType(path: string): Promise<FileType> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    throw new Error(goError('stat', path, err));
  }
  if (st.isDirectory()) return 'Directory';
  if (st.isFile()) return 'File';
  if (st.isSocket()) return 'Socket';
  if (st.isCharacterDevice()) return 'CharDevice';
  if (st.isBlockDevice()) return 'BlockDevice';
  return 'Unknown';
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function expect(path: string, want: FileType, what: string, mustExist: boolean): Promise<void> {
  if (mustExist && !(await exists(path))) throw new Error(`path "${path}" does not exist`);
  if ((await fileType(path)) !== want) throw new Error(`path is not ${what}: ${path}`);
}

/** Rejects a path with a `..` element, as upstream does for hostPath volumes. */
export function validateNoBacksteps(path: string): void {
  if (path.split('/').includes('..')) throw new Error(`invalid HostPath \`${path}\`: must not contain '..'`);
}

/** Checks (and for *OrCreate makes) `path` according to the hostPath `type`. */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  validateNoBacksteps(path);
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!(await exists(path))) {
        await mkdir(path, { recursive: true, mode: 0o755 });
        return;
      }
      return expect(path, 'Directory', 'a directory', true);
    case 'Directory':
      return expect(path, 'Directory', 'a directory', true);
    case 'FileOrCreate':
      if (!(await exists(path))) {
        try {
          await (await open(path, 'a', 0o644)).close();
        } catch (err) {
          throw new Error(goError('open', path, err));
        }
        return;
      }
      return expect(path, 'File', 'a file', true);
    case 'File':
      return expect(path, 'File', 'a file', true);
    case 'Socket':
      return expect(path, 'Socket', 'a socket file', false);
    case 'CharDevice':
      return expect(path, 'CharDevice', 'a character device', false);
    case 'BlockDevice':
      return expect(path, 'BlockDevice', 'a block device', false);
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}
