/**
 * Conformance cases: crash durability. A child process writes as fast as it can and prints
 * each acknowledged write; it is killed with SIGKILL mid-stream, and every printed write
 * must be present when the store is opened again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StoreFactory } from '../conformance.js';
import { openSpec } from './spec.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));

export function durabilityCases(factory: StoreFactory): void {
  describe('durability', () => {
    it('keeps every acknowledged write when the writer is SIGKILLed', async () => {
      const spec = await factory.spec();
      const child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const acked = new Map<string, number>();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const target = 1500;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`child acknowledged only ${acked.size} writes in 60 s: ${stderr}`));
        }, 60_000);
        const lines = createInterface({ input: child.stdout });
        lines.on('line', (line) => {
          const [tag, key, rev] = line.split(' ');
          if (tag !== 'ack' || !key) return;
          acked.set(key, Number(rev));
          if (acked.size === target) {
            // Kill at once, with writes still in flight.
            child.kill('SIGKILL');
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code, sig) => {
          if (acked.size < target) {
            clearTimeout(timer);
            reject(new Error(`child exited early (${code ?? sig}): ${stderr}`));
          }
        });
      });
      await exited;
      const store = await openSpec(spec);
      try {
        const listed = await store.list('/crash/');
        const present = new Map(listed.items.map((kv) => [kv.key, kv.modRevision]));
        const missing = [...acked.keys()].filter((k) => !present.has(k));
        assert.deepEqual(missing, [], `${missing.length} acknowledged writes were lost`);
        for (const [k, rev] of acked) assert.equal(present.get(k), rev, `revision of ${k}`);
        assert.ok(listed.items.length >= acked.size);
        // The store keeps working after the crash with revisions above everything acknowledged.
        const next = await store.create('/crash/after', Buffer.from('x'));
        assert.ok(next.modRevision > Math.max(...acked.values()));
      } finally {
        await store.close();
      }
    });
  });
}
