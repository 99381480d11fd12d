// A new project that installs the packed package the way a user does (`npm ci` of a
// package.json and a lock), offline: the lock names the tarball and, for every other package, the
// version, tarball URL and integrity this repository's own lock has, so npm takes each from its
// cache. Used after `npm run build`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type LockEntry = Record<string, any>;

/**
 * The entries of this repository's lock that `names` need, with their dependencies, laid out as
 * npm laid them out here (a dependency is the nearest `node_modules/<name>` up the tree).
 */
function lockedTree(names: readonly string[]): Record<string, LockEntry> {
  const locked = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages as Record<string, LockEntry>;
  const tree: Record<string, LockEntry> = {};
  const resolve = (from: string, name: string, optional: boolean) => {
    for (let base = from; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (locked[path]) return add(path);
      if (!base) {
        if (optional) return;
        throw new Error(`${name} (a dependency of ${from || 'the project'}) is not in this repository's package-lock.json`);
      }
    }
  };
  const add = (path: string) => {
    if (tree[path]) return;
    // The flags say how this repository uses it (a dev dependency...), not how the new project does.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = locked[path];
    tree[path] = entry;
    for (const name of Object.keys(entry.dependencies ?? {})) resolve(path, name, false);
    for (const name of Object.keys(entry.optionalDependencies ?? {})) resolve(path, name, true);
    for (const name of Object.keys(entry.peerDependencies ?? {})) resolve(path, name, entry.peerDependenciesMeta?.[name]?.optional === true);
  };
  for (const name of names) resolve('', name, false);
  return tree;
}

export interface InstalledProject {
  dir: string;
  remove(): void;
}

/**
 * `npm pack` of this repository into a new folder whose package.json depends on the tarball and
 * on `dependencies` (names of this repository's installed packages, at their versions), then
 * `npm ci --offline` there.
 */
export function installPacked(dependencies: readonly string[]): InstalledProject {
  const dir = mkdtempSync(join(tmpdir(), 'planship-new-app-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const packed = JSON.parse(readFileSync('package.json', 'utf8'));
  const tree = lockedTree([...Object.keys(packed.dependencies), ...dependencies]);
  const wanted = {
    'planship-portal': `file:${tarball}`,
    ...Object.fromEntries(dependencies.map((name) => [name, `^${tree[`node_modules/${name}`].version}`])),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'new-app', private: true, type: 'module', dependencies: wanted }, null, 2));
  const lock = {
    name: 'new-app',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'new-app', dependencies: wanted },
      'node_modules/planship-portal': {
        version: packed.version,
        resolved: `file:${tarball}`,
        integrity: `sha512-${createHash('sha512').update(readFileSync(join(dir, tarball))).digest('base64')}`,
        license: packed.license,
        dependencies: packed.dependencies,
        engines: packed.engines,
        peerDependencies: packed.peerDependencies,
        peerDependenciesMeta: packed.peerDependenciesMeta,
      },
      ...tree,
    },
  };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
