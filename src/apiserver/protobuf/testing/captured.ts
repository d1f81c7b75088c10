/**
 * Bodies captured from the real kubectl, for tests: the command, the request body in base64,
 * and the JSON object the body must decode to.
 */
import { CORE_BODIES } from './kubectl-core.js';
import { MORE_BODIES } from './kubectl-more.js';
import { PODSPEC_BODIES } from './kubectl-podspec.js';

export interface CapturedBody {
  command: string;
  body: string;
  json: Record<string, unknown>;
}

export function capturedBodies(): readonly CapturedBody[] {
  return [...CORE_BODIES, ...PODSPEC_BODIES, ...MORE_BODIES];
}
