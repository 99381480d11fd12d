// `npm run fuzz`: a long run of the hostile-request property. FUZZ_RUNS (default 2000 sequences
// of up to FUZZ_LENGTH = 40 requests) and FUZZ_SEED (default: random, printed to replay it).
import { fuzzHostileRequests } from './hostile.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const requestsPerRun = Number(process.env.FUZZ_LENGTH ?? 40);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz: ${runs} sequences of up to ${requestsPerRun} requests, FUZZ_SEED=${seed}`);
const started = Date.now();
try {
  const result = await fuzzHostileRequests({ runs, seed, requestsPerRun });
  console.log(`fuzz passed: ${result.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(result.statuses)}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error(`fuzz FAILED; replay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs} FUZZ_LENGTH=${requestsPerRun}`);
  process.exit(1);
}
