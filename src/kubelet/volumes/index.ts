/**
 * The kubelet's volumes and container environment: what the pod worker imports. Re-exports
 * only; see volumes.ts and env.ts.
 */
export { createEnvService, type EnvOptions } from './env.js';
export { tokenRequester } from './token-request.js';
export { createVolumeService, type VolumeOptions } from './volumes.js';
