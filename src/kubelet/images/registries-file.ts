/**
 * Reads the node's registries file from disk (see ./registries.ts for its format). A
 * missing file is not an error (the node then keeps its defaults); any other read failure
 * and every validation error is thrown as one line naming the file. Reads only.
 */
import { readFile } from 'node:fs/promises';
import { parseRegistries, type RegistriesConfig, RegistriesError } from './registries.js';

/** The parsed file, or undefined when it does not exist. Throws RegistriesError. */
export async function loadRegistries(path: string): Promise<RegistriesConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RegistriesError(`registries file ${path}: ${(err as Error).message}`);
  }
  return parseRegistries(text, path);
}
