/** Raises 422 Invalid for field errors of an object, with upstream's message and causes. */

import type { ResourceInfo } from '../../api/resources.js';
import { type FieldError, formatInvalidMessage, toStatusCauses } from '../../api/validation/index.js';
import { Errors } from '../../apiserver/errors.js';

export function throwIfInvalid(info: ResourceInfo, name: string, errors: FieldError[]): void {
  if (errors.length === 0) return;
  throw Errors.invalid(
    info.kind,
    info.group,
    name,
    toStatusCauses(errors),
    formatInvalidMessage(info.kind, name, errors, info.group),
  );
}
