// The package as a user gets it: `npm pack` of this (built) repository, extracted into a new
// project's node_modules/planship-portal. Offline: the project's other dependencies are links to
// this repository's node_modules. Used after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface PackedProject {
  /** The project's folder. */
  dir: string;
  /** Links one more of this repository's packages into the project. */
  link(name: string): void;
  remove(): void;
}

export function packedProject(dependencies: readonly string[]): PackedProject {
  const dir = mkdtempSync(join(tmpdir(), 'planship-packed-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'packed-project', private: true, type: 'module' }));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const installed = join(dir, 'node_modules', 'planship-portal');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
  const link = (name: string) => {
    const target = join(dir, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(resolve('node_modules', name), target, 'dir');
  };
  dependencies.forEach(link);
  return { dir, link, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
