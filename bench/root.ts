// Paths inside the project, independent of the directory the bench is started from.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function fromRoot(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}
