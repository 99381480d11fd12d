/** Stryker's mutation score: (killed + timed out) / (killed + timed out + survived + no coverage). */
export function score(counts) {
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const total = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return total ? (100 * detected) / total : null;
}

/** Mutant statuses counted per folder (a file's folder is the one its path runs through; paths may be absolute). */
export function countByFolder(results, folders) {
  const counts = Object.fromEntries(folders.map((folder) => [folder, {}]));
  for (const { fileName, status } of results) {
    const folder = folders.find((name) => fileName.startsWith(`${name}/`) || fileName.includes(`/${name}/`));
    if (folder) counts[folder][status] = (counts[folder][status] ?? 0) + 1;
  }
  return counts;
}

/** A folder's line: its score and its statuses. */
export const scoreLine = (folder, counts) => {
  const value = score(counts);
  return `${folder}: ${value === null ? 'n/a' : `${value.toFixed(1)}%`}  ${JSON.stringify(counts)}`;
};
