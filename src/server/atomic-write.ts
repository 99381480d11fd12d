// Replaces a file so that a reader, or a restart after a crash, sees the old contents or the new,
// never a mix: write a temporary file in the same folder, fsync it, rename it over the target
// (atomic within one file system), then fsync the folder so that the rename itself is on disk.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The temporary file next to `file` (one per process; a crash may leave it behind, harmless). */
export const temporaryFileOf = (file: string): string => `${file}.${process.pid}.tmp`;

/** Writes `text` to `file` atomically and durably; the file is readable by its owner only. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = temporaryFileOf(file);
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  await syncFolder(dirname(file));
}

async function syncFolder(folder: string): Promise<void> {
  // Not every platform can open or fsync a folder (Windows cannot); the rename is done either way.
  const handle = await open(folder, 'r').catch(() => undefined);
  try {
    await handle?.sync();
  } catch {
    /* not supported here */
  } finally {
    await handle?.close();
  }
}
