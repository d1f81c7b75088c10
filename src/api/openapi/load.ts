/**
 * Reads the component schemas that scripts/gen-openapi.mjs wrote to
 * dist/openapi/schemas.json, once, on first use. The file is found relative to this compiled
 * module (dist/src/api/openapi/load.js), never relative to the working directory.
 * This is the only file of the component that touches the file system; it must not write.
 */
import { readFileSync } from 'node:fs';
import type { SchemaFile, SchemaMap } from './schema.js';

const SCHEMA_FILE = new URL('../../../openapi/schemas.json', import.meta.url);

let cached: SchemaMap | undefined;

/** Every generated component schema, by name. Throws if the build step has not run. */
export function componentSchemas(): SchemaMap {
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(SCHEMA_FILE, 'utf8');
  } catch (err) {
    throw new Error(
      `OpenAPI schemas not found at ${SCHEMA_FILE.pathname}: run scripts/gen-openapi.mjs after tsc (${String(err)})`,
    );
  }
  const file = JSON.parse(text) as SchemaFile;
  cached = Object.freeze(file.schemas);
  return cached;
}
