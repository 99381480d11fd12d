// The built custom-elements manifest (dist/custom-elements.json, `npm run build`) as tools read
// it: paths to files the package ships, every event named and typed by its class, no event the
// elements never dispatch, slot name templates explained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

interface Item {
  name: string;
  description?: string;
  type?: { text: string; references?: { name: string; module?: string }[] };
  [key: string]: unknown;
}
interface Declaration extends Item {
  kind: string;
  tagName?: string;
  customElement?: boolean;
  events?: Item[];
  slots?: Item[];
  members?: (Item & { kind: string; static?: boolean; privacy?: string; default?: string })[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[]; exports?: { declaration: { module?: string } }[] }[];
}

const manifest: Manifest = JSON.parse(readFileSync('dist/custom-elements.json', 'utf8'));
const declarations = manifest.modules.flatMap((module) => (module.declarations ?? []).map((declaration) => ({ module, declaration })));
const elements = declarations.filter(({ declaration }) => declaration.customElement);
const classNamed = (name: string) => declarations.find(({ declaration }) => declaration.name === name);

/** Every `module` the manifest points at, anywhere. */
function modulesReferenced(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => modulesReferenced(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'module' && typeof inner === 'string') found.push(inner);
      else modulesReferenced(inner, found);
    }
  }
  return found;
}

test('the package.json customElements field names the built manifest', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.equal(pkg.customElements, 'dist/custom-elements.json');
});

test('every element of the library is in the manifest, with its tag', () => {
  const tags = elements.map(({ declaration }) => declaration.tagName).sort();
  for (const tag of ['planship-customer-portal', 'planship-entitlement', 'planship-plan-picker', 'planship-provider',
    'planship-subscription-manager', 'planship-usage-meter']) {
    assert.ok(tags.includes(tag), `${tag} missing from ${tags.join(', ')}`);
  }
});

test('module paths name the published .js files, which the build wrote', () => {
  const paths = [...manifest.modules.map((module) => module.path), ...modulesReferenced(manifest.modules)];
  for (const path of paths) {
    assert.match(path, /^dist\/lib\/.+\.js$/, `not a published module: ${path}`);
    assert.ok(existsSync(path), `${path} is not in the build`);
  }
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.ok(pkg.files.includes('dist'), 'dist is published');
});

test('every event is named by the Event class it is typed with, and documented', () => {
  for (const { declaration } of elements) {
    assert.ok(declaration.events?.length, `${declaration.tagName} fires events`);
    for (const event of declaration.events!) {
      const where = `<${declaration.tagName}> ${event.name}`;
      assert.ok(event.description?.trim(), `${where} has a description`);
      const reference = event.type?.references?.[0];
      assert.ok(reference, `${where} links its type (${event.type?.text})`);
      assert.equal(reference.name, event.type!.text);
      const eventClass = classNamed(reference.name);
      assert.ok(eventClass, `${where}: ${reference.name} is declared in the manifest`);
      assert.equal(reference.module, eventClass.module.path, `${where}: ${reference.name} lives in ${reference.module}`);
      const eventName = eventClass.declaration.members?.find((member) => member.static && member.name === 'eventName');
      // No made-up names (the analyzer used to list an `error` event): the class says what is dispatched.
      assert.equal(eventName?.default, `'${event.name}'`, `${where} is what ${reference.name} dispatches`);
    }
  }
});

test('the event classes document their fields', () => {
  const eventClasses = new Set(elements.flatMap(({ declaration }) => declaration.events!.map((event) => event.type!.text)));
  assert.ok(eventClasses.size >= 3);
  for (const name of eventClasses) {
    const fields = classNamed(name)!.declaration.members!.filter((member) => member.kind === 'field' && !member.static);
    assert.ok(fields.length, `${name} has fields`);
    for (const field of fields) {
      assert.ok(field.type?.text, `${name}.${field.name} has a type`);
      assert.ok(field.description?.trim(), `${name}.${field.name} has a description`);
    }
  }
});

test('slot name templates like price-{slug} say they are templates and give an example', () => {
  const templates = elements.flatMap(({ declaration }) =>
    (declaration.slots ?? []).filter((slot) => slot.name.includes('{')).map((slot) => ({ tag: declaration.tagName, slot })),
  );
  assert.ok(templates.some(({ slot }) => slot.name === 'price-{slug}'), 'the plan picker documents price-{slug}');
  for (const { tag, slot } of templates) {
    const example = new RegExp('`' + slot.name.replace(/\{[^}]+\}/g, '[a-z0-9-]+') + '`');
    assert.match(slot.description ?? '', /template/i, `<${tag}> slot ${slot.name} says it is a name template`);
    assert.match(slot.description ?? '', /one slot per/i, `<${tag}> slot ${slot.name} says there is one slot per value`);
    assert.match(slot.description ?? '', example, `<${tag}> slot ${slot.name} gives an example name`);
  }
});
