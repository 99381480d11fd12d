// The data file (startServer's `dataFile`, the CLI's `--data`): read once at start, written after
// every change. A file that cannot be used stops the server with an error naming it (never a
// silent empty start); writes are atomic (atomic-write.ts) and coalesced: one write in flight at
// a time, and whatever changed meanwhile goes into one more.
import { open } from 'node:fs/promises';
import { jsonTextDepthIssue } from '../policy/limits.ts';
import { writeFileAtomically } from './atomic-write.ts';
import { serializeState, type StateParts } from './snapshot.ts';
import { InvalidData, restoreState } from './snapshot-restore.ts';

/** Larger files are refused before they are read: the server's own bounds keep real state far below. */
export const MAX_DATA_FILE_BYTES = 256 * 1024 * 1024;
/**
 * The format nests 4 levels above a metadata object, which the API keeps to 32. Checked on the
 * text before parsing: V8 parses any depth, but then stringifies and clones recursively.
 */
const MAX_DATA_FILE_DEPTH = 40;

/** The data file cannot be used (at start) or its last state could not be written (at close). */
export class DataFileError extends Error {
  override name = 'DataFileError';

  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`Data file ${file}: ${problem}`);
  }
}

const describe = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * Loads the file into `parts`; a file that does not exist yet is created from the state as it is
 * (the catalog's), so a folder that cannot be written stops the server now, not at the first change.
 */
export async function loadDataFile(file: string, parts: StateParts): Promise<void> {
  const raw = await readDataFile(file).catch((error: unknown) => {
    throw unusable(file, error);
  });
  if (raw === undefined) {
    await writeFileAtomically(file, serializeState(parts)).catch((error: unknown) => {
      throw new DataFileError(file, `it does not exist and cannot be created (${describe(error)})`);
    });
    return;
  }
  try {
    restoreState(raw, parts);
  } catch (error) {
    throw unusable(file, error);
  }
}

function unusable(file: string, error: unknown): unknown {
  if (!(error instanceof InvalidData)) return error;
  return new DataFileError(file, `${error.message}. Nothing was loaded or changed: fix the file, or move it away to start from the catalog.`);
}

/** The parsed file, or undefined when it does not exist; InvalidData when it cannot be used. */
async function readDataFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new InvalidData('', 'it is not a file');
      if (stats.size > MAX_DATA_FILE_BYTES) {
        throw new InvalidData('', `it has ${mebibytes(stats.size)} MiB, more than the ${mebibytes(MAX_DATA_FILE_BYTES)} MiB a data file may have`);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InvalidData) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InvalidData('', `it cannot be read (${describe(error)})`);
  }
  if (text.trim() === '') throw new InvalidData('', 'it is empty');
  const deep = jsonTextDepthIssue(text, MAX_DATA_FILE_DEPTH, []);
  if (deep) throw new InvalidData('', `it nests deeper than ${MAX_DATA_FILE_DEPTH} levels${deep.loc.length ? ` (in "${deep.loc[0]}")` : ''}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidData('', `it is not valid JSON (${(error as Error).message})`);
  }
}

const mebibytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Writes the state after changes: one write at a time, the changes of one tick in one write. */
export class DataFileWriter {
  private writing: Promise<void> | undefined;
  private dirty = false;
  private lastError: unknown;

  constructor(
    private readonly file: string,
    private readonly serialize: () => string,
    private readonly log: (message: string) => void,
  ) {}

  /** The state changed: it is written soon (after the write in flight, if there is one). */
  changed(): void {
    this.dirty = true;
    this.writing ??= this.drain(true);
  }

  /** Writes what changed and waits for it; rejects with DataFileError when that write failed. */
  async flush(): Promise<void> {
    if (this.dirty) this.writing ??= this.drain(false);
    await this.writing;
    if (this.dirty) throw new DataFileError(this.file, `the last state could not be written (${describe(this.lastError)})`);
  }

  private async drain(batch: boolean): Promise<void> {
    // Let the rest of this tick's changes in, so that they make one write.
    if (batch) await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeFileAtomically(this.file, this.serialize());
        } catch (error) {
          // The file keeps the last state written; the next change (or close) tries again.
          this.dirty = true;
          this.lastError = error;
          this.log(`planship server: could not write the data file ${this.file} (${describe(error)}); it keeps the last state written`);
          return;
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
