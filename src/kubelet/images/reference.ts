/**
 * Image references as the kubelet reads them: the grammar of container image names
 * (`[domain/]path[:tag][@digest]`), Docker Hub's normalisation (`busybox` is
 * `docker.io/library/busybox`), the default tag the kubelet adds before asking the runtime,
 * and the pull policy an unset `imagePullPolicy` defaults to. Error texts follow the
 * kubelet's. Pure: it parses strings and talks to nothing; it does not resolve tags.
 */

export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const NAME_MAX = 255;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** A registry host as a registries file names it: host or host:port. */
export const REGISTRY_HOST = new RegExp(`^${DOMAIN_AND_PORT}$`);

const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** Registry host (with port), `docker.io` for Docker Hub. */
  domain: string;
  /** Repository path in the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** A reference that does not parse: the message is the reason, as the kubelet words it. */
export class ImageReferenceError extends Error {
  override readonly name = 'ImageReferenceError';
}

/** `domain/path`, the repository the image is pulled from. */
export function repository(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) return [DOCKER_HUB, `library/${name}`];
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    [domain, remote] = [first === LEGACY_DOCKER_HUB ? DOCKER_HUB : first, rest];
  } else {
    [domain, remote] = [DOCKER_HUB, name];
  }
  if (domain === DOCKER_HUB && !remote.includes('/')) remote = `library/${remote}`;
  return [domain, remote];
}

function checkDigest(digest: string): void {
  const [algorithm = '', hex = ''] = digest.split(':');
  const want = DIGEST_LENGTHS[algorithm];
  if (want === undefined) throw new ImageReferenceError('unsupported digest algorithm');
  if (hex.length !== want) throw new ImageReferenceError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new ImageReferenceError('invalid checksum digest format');
}

/** Parses and normalises `image` (Docker Hub names gain `docker.io/library/`). Throws ImageReferenceError. */
export function parseImageReference(image: string): ImageReference {
  if (IDENTIFIER.test(image)) {
    throw new ImageReferenceError(
      `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`,
    );
  }
  const [domain, remainder] = splitDomain(image);
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new ImageReferenceError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const full = `${domain}/${remainder}`;
  const m = REFERENCE.exec(full);
  if (!m) {
    const lower = full.toLowerCase();
    if (lower !== full && REFERENCE.test(lower))
      throw new ImageReferenceError('repository name must be lowercase');
    throw new ImageReferenceError('invalid reference format');
  }
  const name = NAME.exec(m[1]!);
  const ref: ImageReference = { domain: name?.[1] ?? '', path: name?.[2] ?? m[1]! };
  if (ref.path.length > NAME_MAX) {
    throw new ImageReferenceError(`repository name must not be more than ${NAME_MAX} characters`);
  }
  if (m[2]) ref.tag = m[2];
  if (m[3]) {
    checkDigest(m[3]);
    ref.digest = m[3];
  }
  return ref;
}

/**
 * The image as the kubelet hands it to the runtime: unchanged, except that `:latest` is
 * appended when it has neither tag nor digest (the name itself is not expanded). Throws
 * ImageReferenceError with the kubelet's message (`couldn't parse image name ...`).
 */
export function applyDefaultTag(image: string): string {
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch (err) {
    throw new ImageReferenceError(
      `couldn't parse image name ${JSON.stringify(image)}: ${(err as Error).message}`,
    );
  }
  if (ref.tag === undefined && ref.digest === undefined) return `${image}:latest`;
  return image;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** The API server's default for an unset policy: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): PullPolicy {
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch {
    return 'IfNotPresent';
  }
  const tag = ref.tag ?? (ref.digest === undefined ? 'latest' : '');
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}
