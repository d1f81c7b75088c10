/**
 * API errors: the one catalogue of Kubernetes Status reasons, codes and messages. Every
 * layer below the HTTP handler throws `ApiError`; the handler writes its `status` as the
 * response body. Storage errors are translated here, once (fromStorageError).
 */
import { isStorageError } from '../storage/errors.js';

export interface StatusCause {
  type?: string;
  field?: string;
  message?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** The qualified resource as messages name it: "pods", "deployments.apps". */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string, extra: StatusDetails = {}): StatusDetails {
  return { name, group: gr.group, kind: gr.resource, ...extra };
}

export const Errors = {
  notFound: (gr: GroupResource, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name)),
  alreadyExists: (gr: GroupResource, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name)),
  conflict: (gr: GroupResource, name: string, why: string) =>
    new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
      details(gr, name),
    ),
  modified: (gr: GroupResource, name: string) =>
    Errors.conflict(
      gr,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    ),
  invalid: (kind: string, group: string, name: string, causes: StatusCause[], message: string) =>
    new ApiError(422, 'Invalid', message, { name, group, kind, causes }),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string) => new ApiError(403, 'Forbidden', message),
  methodNotSupported: (gr: GroupResource, verb: string) =>
    new ApiError(
      405,
      'MethodNotAllowed',
      `${verb} is not supported on resources of kind "${qualified(gr)}"`,
      {
        group: gr.group,
        kind: gr.resource,
      },
    ),
  notAcceptable: (message: string) => new ApiError(406, 'NotAcceptable', message),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
      {
        causes: [{ type: 'UnexpectedServerResponse', message: contentType }],
      },
    ),
  tooLarge: (message: string) => new ApiError(413, 'RequestEntityTooLarge', message),
  expired: (message: string) => new ApiError(410, 'Expired', message),
  gone: (message: string) => new ApiError(410, 'Gone', message),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) =>
    new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  unavailable: (message: string) => new ApiError(503, 'ServiceUnavailable', message),
  timeout: (message: string, retryAfterSeconds = 1) =>
    new ApiError(504, 'Timeout', message, { retryAfterSeconds }),
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
};

/** Translates a storage error into its API error; anything else is rethrown unchanged. */
export function fromStorageError(err: unknown, gr: GroupResource, name: string): never {
  if (isStorageError(err)) {
    switch (err.code) {
      case 'NotFound':
        throw Errors.notFound(gr, name);
      case 'Exists':
        throw Errors.alreadyExists(gr, name);
      case 'Conflict':
        throw Errors.modified(gr, name);
      case 'Compacted':
        throw Errors.expired(`The resourceVersion for the provided list is too old.`);
      case 'TooLarge':
        throw Errors.tooLarge('etcdserver: request is too large');
      case 'Unavailable':
        throw Errors.unavailable(err.message);
    }
  }
  throw err;
}
