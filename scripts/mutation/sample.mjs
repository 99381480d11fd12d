// A seeded sample of source lines for Stryker's `mutate` ranges: the mutants of a sampled line are
// tested, the rest are not generated at all. The same seed and rate pick the same lines on every
// machine, so an incremental run reuses its results; a line's fate does not move when other lines
// change (each line is picked by a hash of its file and its text).
// Mutants that span several lines (a whole block, a multi-line object) are tested only when all
// their lines are sampled, so a sample under-represents them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The TypeScript sources under `folders`, without `exclude` (paths as given). */
export function sourceFiles(folders, exclude = []) {
  return folders
    .flatMap((folder) => readdirSync(folder, { recursive: true }).map((file) => join(folder, String(file))))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !exclude.includes(file))
    .sort();
}

/** `file:start-end` ranges (1-based, inclusive) holding about `rate` of each file's code lines. */
export function sampleLines(files, { rate, seed = 'planship-portal' }) {
  const ranges = [];
  const counts = { lines: 0, sampled: 0 };
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let start;
    lines.forEach((text, index) => {
      const code = text.trim() !== '' && !/^\s*(\/\/|\*|\/\*)/.test(text);
      if (code) counts.lines++;
      const picked = code && pick(`${seed}\n${file}\n${text.trim()}`, rate);
      if (picked) counts.sampled++;
      if (picked && start === undefined) start = index + 1;
      if (!picked && start !== undefined) {
        ranges.push(`${file}:${start}-${index}`);
        start = undefined;
      }
    });
    if (start !== undefined) ranges.push(`${file}:${start}-${lines.length}`);
  }
  return { ranges, ...counts };
}

function pick(key, rate) {
  const hash = createHash('sha256').update(key).digest();
  return hash.readUInt32BE(0) / 2 ** 32 < rate;
}
