/**
 * Crash-durability child: opens a store from a JSON spec, writes as fast as it can and
 * prints `ack <key> <revision>` after each acknowledged write, until it is killed. Used by
 * the conformance suite, which SIGKILLs it and checks that every printed write survived.
 */
import type { Store } from '../types.js';
import { openSpec, type StoreSpec } from './spec.js';

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as StoreSpec;
  const store: Store = await openSpec(spec);
  const inFlight = 32;
  let next = 0;
  const value = Buffer.alloc(256, 120);
  const writer = async (): Promise<void> => {
    for (;;) {
      const key = `/crash/${String(next++).padStart(8, '0')}`;
      const kv = await store.create(key, value);
      process.stdout.write(`ack ${key} ${kv.modRevision}\n`);
    }
  };
  process.stdout.write('ready\n');
  await Promise.all(Array.from({ length: inFlight }, writer));
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-child: ${(err as Error).message}\n`);
  process.exit(1);
});
