// `node scripts/mutation/scores-from-log.mjs <run>`: the score per folder of the mutants a run has
// tested so far (its results log), e.g. of a run stopped before its end.
import { readFileSync } from 'node:fs';
import { score } from './score.mjs';

const run = process.argv[2] ?? 'node';
const counts = {};
for (const line of readFileSync(`reports/mutation/${run}/mutants.jsonl`, 'utf8').split('\n').filter(Boolean)) {
  const { fileName, status } = JSON.parse(line);
  const folder = fileName.split('/').slice(0, 2).join('/');
  (counts[folder] ??= {})[status] = (counts[folder][status] ?? 0) + 1;
}
for (const [folder, statuses] of Object.entries(counts)) {
  const value = score(statuses);
  console.log(`${folder}: ${value === null ? 'n/a' : `${value.toFixed(1)}%`}  ${JSON.stringify(statuses)}`);
}
