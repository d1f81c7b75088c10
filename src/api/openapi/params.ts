/**
 * The path and query parameters of the REST operations, as OpenAPI v3 parameter objects.
 * kubectl looks for `fieldValidation` among the query parameters of a kind's PATCH
 * operation to decide whether the server validates fields itself, so every create, update
 * and patch operation lists it. Pure data.
 */
import type { Parameter } from './schema.js';

function query(name: string, type: 'string' | 'boolean' | 'integer', description: string): Parameter {
  return { description, in: 'query', name, schema: { type, uniqueItems: true } };
}

function path(name: string, description: string): Parameter {
  return { description, in: 'path', name, required: true, schema: { type: 'string', uniqueItems: true } };
}

export const pretty = query('pretty', 'string', "If 'true', the response is indented.");

export function nameParam(kind: string): Parameter {
  return path('name', `name of the ${kind}`);
}

export const namespaceParam = path('namespace', 'namespace of the object');

const dryRun = query('dryRun', 'string', "'All' runs every stage of the request but persists nothing.");
const fieldManager = query(
  'fieldManager',
  'string',
  'Name of the actor making the change, recorded in metadata.managedFields. Required for apply patches.',
);
const fieldValidation = query(
  'fieldValidation',
  'string',
  'How to treat unknown or duplicate fields in the body: Ignore (drop them), Warn (drop them and ' +
    'answer with a warning header each; the default) or Strict (reject the request with 400 BadRequest).',
);
const force = query('force', 'boolean', 'Apply patches only: take over fields that other managers own.');

const labelSelector = query('labelSelector', 'string', 'Only objects whose labels match this selector.');
const fieldSelector = query('fieldSelector', 'string', 'Only objects whose fields match this selector.');
const limit = query(
  'limit',
  'integer',
  'Largest number of objects in one answer; the rest is fetched with continue.',
);
const continueToken = query(
  'continue',
  'string',
  'Token from a previous partial list to fetch the next part.',
);
const resourceVersion = query(
  'resourceVersion',
  'string',
  'Resource version the answer must be at least as new as (unset: the latest).',
);
const resourceVersionMatch = query(
  'resourceVersionMatch',
  'string',
  'How resourceVersion applies: NotOlderThan or Exact.',
);
const timeoutSeconds = query('timeoutSeconds', 'integer', 'End a list or watch after this many seconds.');
const watch = query('watch', 'boolean', 'Stream changes as watch events instead of answering a list.');
const allowWatchBookmarks = query('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events in a watch.');
const sendInitialEvents = query(
  'sendInitialEvents',
  'boolean',
  'Start a watch with synthetic events for the current objects, then a bookmark.',
);
const gracePeriodSeconds = query(
  'gracePeriodSeconds',
  'integer',
  'Seconds the object has to terminate; 0 deletes at once.',
);
const orphanDependents = query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.');
const propagationPolicy = query(
  'propagationPolicy',
  'string',
  'What happens to dependents: Orphan, Background or Foreground.',
);

export const listParams: Parameter[] = [
  allowWatchBookmarks,
  continueToken,
  fieldSelector,
  labelSelector,
  limit,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
  watch,
];
export const createParams: Parameter[] = [dryRun, fieldManager, fieldValidation];
export const updateParams: Parameter[] = [dryRun, fieldManager, fieldValidation];
export const patchParams: Parameter[] = [dryRun, fieldManager, fieldValidation, force];
export const deleteParams: Parameter[] = [dryRun, gracePeriodSeconds, orphanDependents, propagationPolicy];
export const deleteCollectionParams: Parameter[] = [
  continueToken,
  dryRun,
  fieldSelector,
  gracePeriodSeconds,
  labelSelector,
  limit,
  orphanDependents,
  propagationPolicy,
  resourceVersion,
  resourceVersionMatch,
  sendInitialEvents,
  timeoutSeconds,
];

export const logParams: Parameter[] = [
  query('container', 'string', 'Container to read; may be left out when the pod has one container.'),
  query('follow', 'boolean', 'Keep the stream open and send new lines as they are written.'),
  query('limitBytes', 'integer', 'Stop after this many bytes.'),
  query('previous', 'boolean', 'Read the log of the previous, terminated instance of the container.'),
  query('sinceSeconds', 'integer', 'Only lines written in the last this many seconds.'),
  query('tailLines', 'integer', 'Only this many lines from the end.'),
  query('timestamps', 'boolean', 'Prefix each line with its RFC3339 timestamp.'),
];

const container = query('container', 'string', 'Container to connect to.');
const streams = [
  query('stderr', 'boolean', 'Send the standard error stream.'),
  query('stdin', 'boolean', 'Pass standard input.'),
  query('stdout', 'boolean', 'Send the standard output stream.'),
  query('tty', 'boolean', 'Allocate a terminal.'),
];
export const execParams: Parameter[] = [
  query('command', 'string', 'Command to run; repeat the parameter for each argument.'),
  container,
  ...streams,
];
export const attachParams: Parameter[] = [container, ...streams];
export const portForwardParams: Parameter[] = [query('ports', 'integer', 'Ports to forward.')];
