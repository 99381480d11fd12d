// A Stryker reporter that appends each tested mutant to reports/mutation/<run>/mutants.jsonl as it
// finishes, so a run stopped before its end (they take hours here) still leaves what it measured;
// `node scripts/mutation/scores-from-log.mjs <run>` scores such a log per folder.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';

class ResultsLog {
  static inject = tokens(commonTokens.options);

  constructor(options) {
    this.file = options.resultsLog.fileName;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  onMutantTested({ fileName, location, mutatorName, status }) {
    appendFileSync(this.file, JSON.stringify({ fileName: relative(process.cwd(), fileName), line: location.start.line, mutatorName, status }) + '\n');
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'results-log', ResultsLog)];
