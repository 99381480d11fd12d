// `node scripts/mutation/scores-from-log.mjs <run>`: the score per folder of the mutants a run has
// tested so far (its results log), e.g. of a run stopped before its end.
import { readFileSync } from 'node:fs';
import { FOLDERS } from './config.mjs';
import { countByFolder, scoreLine } from './score.mjs';

const run = process.argv[2] ?? 'node';
const log = readFileSync(`reports/mutation/${run}/mutants.jsonl`, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const folders = Object.keys(FOLDERS).filter((folder) => FOLDERS[folder].run === run);
for (const [folder, counts] of Object.entries(countByFolder(log, folders))) console.log(scoreLine(folder, counts));
