// The packed package in a new project (test/dist/packed-project.ts): the React recipe's TSX
// typechecks with `planship-portal/react` and a misspelt attribute does not; the Vue and Svelte
// typings do the same for what their template checkers read; `ws` stays out of what browsers
// load, and the server asks for it by name when it is missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packedProject, type PackedProject } from './packed-project.ts';

let project: PackedProject;

const VUE_PROPS = `import type {} from 'planship-portal/vue';
import type { GlobalComponents } from 'vue';
/** What Vue's template checker reads for <tag ...>: the $props of the global component. */
type TemplateProps<Tag extends keyof GlobalComponents> = InstanceType<GlobalComponents[Tag]>['$props'];
type TemplateEmit<Tag extends keyof GlobalComponents> = InstanceType<GlobalComponents[Tag]>['$emit'];
`;
const SVELTE_PROPS = `import type {} from 'planship-portal/svelte';
import type { SvelteHTMLElements } from 'svelte/elements';
`;

/** Valid uses, each line a way a recipe writes it. */
const VALID = {
  'vue-elements.ts': `${VUE_PROPS}
export const meter: TemplateProps<'planship-usage-meter'> = { lever: 'api-calls', 'show-buckets': true, class: 'meter' };
export const picker: TemplateProps<'planship-plan-picker'> = {
  'change-at': 'renewal',
  prices: { pro: { amount: 49, currency: 'USD', interval: 'month' } },
  onPlanshipPlanChange: (event) => console.log(event.toPlan, event.changeAt),
};
export const provider: TemplateProps<'planship-provider'> = { 'product-slug': 'acme', getAccessToken: async () => 'token' };
export const emit = (emit: TemplateEmit<'planship-plan-picker'>, event: Parameters<NonNullable<typeof picker.onPlanshipPlanChange>>[0]) =>
  emit('planship-plan-change', event);
`,
  'element-module.ts': `// One element's own module (the manifest's path), types included.
import { PlanshipUsageMeter } from 'planship-portal/dist/lib/components/usage-meter/usage-meter.js';
export const lever: string = new PlanshipUsageMeter().lever;
`,
  'svelte-elements.ts': `${SVELTE_PROPS}
export const meter: SvelteHTMLElements['planship-usage-meter'] = { lever: 'api-calls', class: 'meter' };
export const picker: SvelteHTMLElements['planship-plan-picker'] = {
  prices: { pro: { amount: 49, currency: 'USD' } },
  'onplanship-plan-change': (event) => console.log(event.toPlan),
};
`,
};

/** The same with one mistake each: [file, source, the error tsc must report]. */
const MISTAKES: [string, string, RegExp][] = [
  [
    'vue-misspelt.ts',
    `${VUE_PROPS}\nexport const meter: TemplateProps<'planship-usage-meter'> = { levr: 'api-calls' };\n`,
    /vue-misspelt\.ts\(\d+,\d+\): error TS2561: [^\n]*'levr' does not exist in type [^\n]*PlanshipUsageMeterProps[^\n]*Did you mean to write 'lever'\?/,
  ],
  [
    'vue-wrong-event.ts',
    `${VUE_PROPS}\nexport const emit = (emit: TemplateEmit<'planship-plan-picker'>) => emit('planship-plan-chnage', new Event('x') as never);\n`,
    /vue-wrong-event\.ts\(\d+,\d+\): error TS2769: No overload matches this call/,
  ],
  [
    'svelte-misspelt.ts',
    `${SVELTE_PROPS}\nexport const meter: SvelteHTMLElements['planship-usage-meter'] = { levr: 'api-calls' };\n`,
    /svelte-misspelt\.ts\(\d+,\d+\): error TS2561: [^\n]*'levr' does not exist in type 'PlanshipSvelteProps<"planship-usage-meter">'/,
  ],
];

/** Runs tsc on a project folder; resolves with its exit code and output. */
function typecheck(folder: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const tsc = spawn(process.execPath, [join(project.dir, 'node_modules/typescript/bin/tsc'), '-p', folder], { cwd: project.dir });
    let output = '';
    tsc.stdout.on('data', (chunk) => (output += chunk));
    tsc.stderr.on('data', (chunk) => (output += chunk));
    tsc.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A folder with the React recipe's tsconfig (plus `compilerOptions`) and these files. */
function folder(name: string, files: Record<string, string>, compilerOptions: object = {}): string {
  const path = join(project.dir, name);
  mkdirSync(path);
  const tsconfig = JSON.parse(readFileSync('examples/react/tsconfig.json', 'utf8'));
  Object.assign(tsconfig.compilerOptions, compilerOptions);
  tsconfig.include = ['*.tsx', '*.ts'];
  writeFileSync(join(path, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [file, source] of Object.entries(files)) writeFileSync(join(path, file), source);
  return path;
}

let recipeCheck: Promise<{ code: number; output: string }>;
let usesCheck: Promise<{ code: number; output: string }>;

before(() => {
  project = packedProject(['typescript', 'react', 'react-dom', '@types/react', '@types/react-dom', 'vite', 'vue', 'svelte', 'lit', '@lit/context', '@lit/task']);
  const app = readFileSync('examples/react/App.tsx', 'utf8');
  // The recipe as it is, every declaration file checked too (ours included): strict, as an app would.
  const recipe = folder('recipe', { 'App.tsx': app, 'main.tsx': readFileSync('examples/react/main.tsx', 'utf8') });
  // Valid uses and mistakes side by side; declaration files are checked above, so skipped here.
  const uses = folder('uses', {
    ...VALID,
    ...Object.fromEntries(MISTAKES.map(([file, source]) => [file, source])),
    'App.tsx': app.replace('lever="api-calls"', 'levr="api-calls"'),
  }, { skipLibCheck: true });
  recipeCheck = typecheck(recipe);
  usesCheck = typecheck(uses);
});

after(() => project?.remove());

test('the React recipe typechecks with planship-portal/react (library declarations checked too)', async () => {
  const { code, output } = await recipeCheck;
  assert.equal(output, '');
  assert.equal(code, 0);
});

test('a misspelt attribute fails in React; Vue and Svelte typings accept valid uses and reject mistakes', async () => {
  const { code, output } = await usesCheck;
  assert.notEqual(code, 0);
  assert.match(
    output,
    /App\.tsx\(\d+,\d+\): error TS2322: Type '\{ levr: string; \}' is not assignable to type 'PlanshipReactProps<"planship-usage-meter">'\.\s+Property 'levr' does not exist on type 'PlanshipReactProps<"planship-usage-meter">'\. Did you mean 'lever'\?/,
  );
  for (const [, , expected] of MISTAKES) assert.match(output, expected);
  // One error per mistake, none in the valid files.
  assert.equal(output.match(/error TS/g)?.length, MISTAKES.length + 1, output);
});

test('ws is an optional peer, and nothing a browser loads imports it', () => {
  const installed = join(project.dir, 'node_modules/planship-portal');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies.ws, undefined);
  assert.equal(pkg.peerDependenciesMeta?.ws?.optional, true, 'npm does not install an optional peer');
  const importsWs = /\bfrom\s*["']ws["']|\bimport\s*\(?\s*["']ws["']|\brequire\(\s*["']ws["']\)/;
  const browserFiles = ['dist/planship-portal.js', ...readdirSync(join(installed, 'dist/lib'), { recursive: true })
    .map((file) => `dist/lib/${file}`)
    .filter((file) => file.endsWith('.js') && file !== 'dist/lib/server.js' && file !== 'dist/lib/gateway.js')];
  assert.ok(browserFiles.length > 10);
  for (const file of browserFiles) assert.doesNotMatch(readFileSync(join(installed, file), 'utf8'), importsWs, file);
  // The server and the gateway (Node only) load it lazily, never at import.
  for (const file of ['dist/lib/server.js', 'dist/lib/gateway.js']) {
    const code = readFileSync(join(installed, file), 'utf8');
    assert.doesNotMatch(code, /\bfrom\s*["']ws["']/, file);
    assert.match(code, /\bimport\(\s*["']ws["']\s*\)/, file);
  }
});

test('without ws, the packed server fails to start with a message naming npm install ws; with it, it starts', () => {
  const start = `import('planship-portal/server')
    .then(({ startServer }) => startServer({ port: 0 }))
    .then((server) => server.close())
    .then(() => console.log('started'), (error) => { console.error(error.message); process.exitCode = 3; });`;
  const run = () => spawnSync(process.execPath, ['--input-type=module', '-e', start], { cwd: project.dir, encoding: 'utf8' });
  const without = run();
  assert.equal(without.status, 3, without.stderr);
  assert.match(without.stderr, /needs the optional peer dependency 'ws'.*npm install ws/);
  project.link('ws');
  const withWs = run();
  assert.equal(withWs.status, 0, withWs.stderr);
  assert.equal(withWs.stdout.trim(), 'started');
});
