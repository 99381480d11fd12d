#!/usr/bin/env node
// `npm run mutate [-- node|gateway|browser ... --force --retest-timeouts]`: mutation testing with
// StrykerJS over a seeded sample of src/server and src/client (node:test), src/gateway and
// src/policy (node:test, a run of their own) and src/components (Chromium); every run by default. Incremental: only mutants whose code or tests changed since the last run
// are tested again; --force tests every sampled mutant; --retest-timeouts tests again the ones that
// timed out (on a loaded machine a slow run can pass for a hang). Reports (html, json) go to
// reports/mutation/<run>/, the score per folder to reports/mutation/scores.json. Not part of
// `npm test`: it takes long.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';
import { FOLDERS, RUNS, sampleOf, strykerOptions } from './mutation/config.mjs';
import { countByFolder, score, scoreLine } from './mutation/score.mjs';

const args = process.argv.slice(2);
const force = args.includes('--force');
const retestTimeouts = args.includes('--retest-timeouts');
const runs = args.filter((arg) => !arg.startsWith('--'));
for (const run of runs) if (!(run in RUNS)) throw new Error(`unknown run ${run}; one of ${Object.keys(RUNS).join(', ')}`);

const scoresFile = 'reports/mutation/scores.json';
const scores = {};
for (const run of runs.length ? runs : Object.keys(RUNS)) {
  console.log(`\n=== mutation testing: ${run} (${Object.keys(FOLDERS).filter((name) => FOLDERS[name].run === run).join(', ')}) ===`);
  const sample = sampleOf(run);
  if (retestTimeouts) forgetTimeouts(strykerOptions(run, sample).incrementalFile);
  const results = await new Stryker({ ...strykerOptions(run, sample), force }).runMutationTest();
  for (const [folder, counts] of Object.entries(countByFolder(results, Object.keys(sample.lines)))) {
    scores[folder] = { ...sample.lines[folder], mutants: counts, score: score(counts) };
  }
}
// Read just before writing: the other run may have ended meanwhile (the two may run at once).
const all = { ...readScores(), ...scores };
mkdirSync('reports/mutation', { recursive: true });
writeFileSync(scoresFile, JSON.stringify(all, null, 2));
console.log('\nMutation score per folder (killed + timed out) / (killed + timed out + survived + no coverage):');
for (const [folder, { mutants, sampled, lines }] of Object.entries(all)) {
  console.log(`  ${scoreLine(folder, mutants)}  (${sampled} of ${lines} code lines sampled)`);
}

/** Drops the timed-out mutants from an incremental file, so the next run tests them again. */
function forgetTimeouts(file) {
  if (!existsSync(file)) return;
  const incremental = JSON.parse(readFileSync(file, 'utf8'));
  let forgotten = 0;
  for (const result of Object.values(incremental.files)) {
    const kept = result.mutants.filter((mutant) => mutant.status !== 'Timeout');
    forgotten += result.mutants.length - kept.length;
    result.mutants = kept;
  }
  writeFileSync(file, JSON.stringify(incremental));
  console.log(`${forgotten} timed-out mutants will be tested again`);
}

function readScores() {
  try {
    return JSON.parse(readFileSync(scoresFile, 'utf8'));
  } catch {
    return {}; // the first run
  }
}

