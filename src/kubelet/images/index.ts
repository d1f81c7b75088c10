/**
 * The kubelet's images, as other parts use them: the image service the pod worker calls
 * before creating a container, the node's registries file, and image archive imports.
 * Re-exports only; nothing here runs on import.
 */
export { type ImportSummary, importArchive, importImageArchives } from './import.js';
export { applyDefaultTag, defaultPullPolicy, parseImageReference } from './reference.js';
export {
  parseRegistries,
  type RegistriesConfig,
  RegistriesError,
  registriesWarnings,
  registryAuthLookup,
} from './registries.js';
export { loadRegistries } from './registries-file.js';
export { createImageService, type ImageOptions } from './service.js';
