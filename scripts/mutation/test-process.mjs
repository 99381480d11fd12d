// One test process of the mutation runners: its exit code, the tail of its output, its wall time
// and the JSON report its hook wrote to the file named in `reportVariable`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OUTPUT_TAIL = 8_000;

/** `timeoutMs`: the process is killed after it, and the run says `timedOut`. */
export function runTestProcess(command, args, env, reportVariable, timeoutMs = Infinity) {
  const folder = mkdtempSync(join(tmpdir(), 'stryker-run-'));
  const reportFile = join(folder, 'report.json');
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...env, [reportVariable]: reportFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => (output = (output + chunk).slice(-OUTPUT_TAIL));
    let timedOut = false;
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs) : undefined;
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let report;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8'));
      } catch {
        report = undefined; // the process ended before its hook could write (a crash)
      }
      rmSync(folder, { recursive: true, force: true });
      resolve({ exitCode: code ?? (signal ? 1 : 0), timedOut, output, wallMs: performance.now() - started, report });
    });
  });
}
