/** Stryker's mutation score: (killed + timed out) / (killed + timed out + survived + no coverage). */
export function score(counts) {
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const total = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return total ? (100 * detected) / total : null;
}
