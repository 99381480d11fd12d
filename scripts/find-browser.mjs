// Finds a Chromium to drive, in the order a user would expect: CHROME_PATH, Playwright's own
// download, the system package. As root on Debian/Ubuntu it installs Debian's chromium itself.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const INSTALL_HINT =
  'No Chromium found. Install one and try again, e.g.:\n' +
  '  sudo apt-get update && sudo apt-get install -y chromium      (Debian/Ubuntu)\n' +
  '  npx playwright install chromium                               (anywhere with internet)\n' +
  'or point CHROME_PATH at a Chrome/Chromium binary.';

async function playwrightChromium() {
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

/** Returns a browser path, or undefined. Never installs anything. */
export async function locateBrowser() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH points at ${fromEnv}, which does not exist.`);
  }
  return (await playwrightChromium()) ?? SYSTEM_CANDIDATES.find((p) => existsSync(p));
}

/** Returns a browser path, installing Debian's chromium when allowed; throws with the install command otherwise. */
export async function findOrInstallBrowser({ log = console.log } = {}) {
  const found = await locateBrowser();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && isDebianLike()) {
    log('No Chromium found: installing Debian\'s chromium with apt-get (about a minute)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const installed = await locateBrowser();
    if (installed) return installed;
  }
  throw new Error(INSTALL_HINT);
}

/** Flags that keep a headless Chromium quiet and offline-safe (see ENVIRONMENT notes in the README). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
