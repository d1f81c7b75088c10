/** The pure parts of log serving: option decoding, line formatting and tail offsets. */
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLogOptions } from './log-options.js';
import { tailStart } from './log-stream.js';
import { CriLogWriter, formatTimestamp } from './log-writer.js';

const LINES = [
  '2024-05-01T10:00:00.100000000Z stdout F one',
  '2024-05-01T10:00:01.000000000Z stderr P tw',
  '2024-05-01T10:00:01.500000000Z stderr F o',
  '2024-05-01T10:00:02.120000000Z stdout F three',
];

test('formatTimestamp trims trailing zeros as Go RFC3339Nano does', () => {
  assert.equal(formatTimestamp('2024-05-01T10:00:00.100000000Z'), '2024-05-01T10:00:00.1Z');
  assert.equal(formatTimestamp('2024-05-01T10:00:00.000000000Z'), '2024-05-01T10:00:00Z');
  assert.equal(formatTimestamp('2024-05-01T10:00:00.123456789+02:00'), '2024-05-01T10:00:00.123456789+02:00');
});

test('the writer joins partial pieces and prefixes a time only at line starts', () => {
  const w = new CriLogWriter({ timestamps: true });
  const out = LINES.map((l) => w.line(l).toString()).join('');
  assert.equal(out, '2024-05-01T10:00:00.1Z one\n2024-05-01T10:00:01Z two\n2024-05-01T10:00:02.12Z three\n');
  assert.equal(w.line('not a cri line').length, 0);
});

test('the writer skips entries before since and stops at limitBytes', () => {
  const since = new CriLogWriter({ timestamps: false, sinceMs: Date.parse('2024-05-01T10:00:01.2Z') });
  assert.equal(LINES.map((l) => since.line(l).toString()).join(''), 'o\nthree\n');
  const limited = new CriLogWriter({ timestamps: false, limitBytes: 6 });
  assert.equal(LINES.map((l) => limited.line(l).toString()).join(''), 'one\ntw');
  assert.equal(limited.done, true);
});

test('tailStart finds the start of the last N full lines, reading backwards', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-tail-'));
  try {
    const path = join(dir, '0.log');
    // Long enough that the backwards read crosses several 64 KiB chunks.
    const filler = Array.from(
      { length: 3000 },
      (_, i) => `2024-05-01T09:00:00Z stdout F filler ${i} ${'x'.repeat(40)}`,
    );
    const text = `${[...filler, ...LINES].join('\n')}\n`;
    await writeFile(path, text);
    const fh = await open(path, 'r');
    try {
      const size = Buffer.byteLength(text);
      const at = async (n: number) => text.slice(await tailStart(fh, size, n));
      assert.equal(await at(0), '');
      assert.equal(await at(1), `${LINES[3]}\n`);
      // The partial piece belongs to the second-to-last line.
      assert.equal(await at(2), `${LINES.slice(1).join('\n')}\n`);
      assert.equal(await at(3), `${LINES.join('\n')}\n`);
      assert.equal(await at(100_000), text);
    } finally {
      await fh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('log options decode and validate like PodLogOptions', () => {
  const now = Date.parse('2024-05-01T10:00:10Z');
  const ok = parseLogOptions(new URLSearchParams('follow=true&tailLines=3&timestamps=1&sinceSeconds=5'), now);
  assert.deepEqual(ok, {
    ok: true,
    options: { follow: true, previous: false, timestamps: true, tailLines: 3, sinceMs: now - 5000 },
  });
  const legacy = parseLogOptions(new URLSearchParams('tail=2&follow=false'), now);
  assert.equal(legacy.ok && legacy.options.tailLines, 2);
  assert.equal(legacy.ok && legacy.options.follow, false);
  const all = parseLogOptions(new URLSearchParams('tail=all'), now);
  assert.equal(all.ok && all.options.tailLines, undefined);
  for (const bad of [
    'tailLines=-1',
    'limitBytes=0',
    'sinceSeconds=0',
    'sinceSeconds=1&sinceTime=2024-05-01T10:00:00Z',
  ]) {
    const r = parseLogOptions(new URLSearchParams(bad), now);
    assert.equal(r.ok ? 0 : r.code, 422, bad);
  }
  for (const bad of ['tailLines=x', 'sinceTime=yesterday']) {
    const r = parseLogOptions(new URLSearchParams(bad), now);
    assert.equal(r.ok ? 0 : r.code, 400, bad);
  }
});
