// Typed framework entry points, generated from dist/custom-elements.json (run by build.mjs):
//   dist/types/elements.d.ts  per element: its props (attributes by name, public properties by
//                             name, typed through the element class) and its events (name -> class)
//   dist/types/react.d.ts     `planship-portal/react`: React 19 JSX.IntrinsicElements
//   dist/types/vue.d.ts       `planship-portal/vue`: Vue's GlobalComponents
//   dist/types/svelte.d.ts    `planship-portal/svelte`: svelte/elements' SvelteHTMLElements
// Nothing here lists elements by hand: a new element, attribute or @fires line shows up by itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const HEADER = '// Generated from custom-elements.json by scripts/framework-types.mjs; do not edit.\n';

/** `dist/lib/components/a/b.js` -> `./components/a/b.js`, the same module's .d.ts beside these files. */
const typesModule = (modulePath) => modulePath.replace(/^dist\/lib\//, './');

/** A JSDoc comment, or nothing. */
function doc(text, indent) {
  const clean = text?.trim().replace(/\*\//g, '*\\/');
  if (!clean) return '';
  const lines = clean.split('\n').map((line, i) => (i === 0 ? line : `${indent} *${line.trim() ? ` ${line.trim()}` : ''}`));
  return `${indent}/** ${lines.join('\n')} */\n`;
}

const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);
const isPublicField = (member) => member.kind === 'field' && !member.static && (member.privacy ?? 'public') === 'public';

/** The elements of a manifest, with what the typings need to know about each. */
export function elementsOf(manifest) {
  const elements = [];
  for (const module of manifest.modules) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.customElement || !declaration.tagName) continue;
      const fields = (declaration.members ?? []).filter(isPublicField);
      const props = new Map();
      for (const attribute of declaration.attributes ?? []) {
        props.set(attribute.name, { field: attribute.fieldName, description: attribute.description });
      }
      for (const field of fields) {
        if (!props.has(field.name)) props.set(field.name, { field: field.name, description: field.description });
      }
      const events = (declaration.events ?? []).map((event) => {
        const reference = event.type?.references?.[0];
        if (!reference?.module) throw new Error(`<${declaration.tagName}> event ${event.name} has no event class in the manifest`);
        return { name: event.name, className: reference.name, module: reference.module, description: event.description };
      });
      elements.push({
        tag: declaration.tagName,
        className: declaration.name,
        module: module.path,
        summary: declaration.summary ?? declaration.description,
        props,
        events,
      });
    }
  }
  return elements.sort((a, b) => a.tag.localeCompare(b.tag));
}

function importLines(elements) {
  const byModule = new Map();
  const add = (module, name) => byModule.set(module, (byModule.get(module) ?? new Set()).add(name));
  for (const element of elements) {
    add(element.module, element.className);
    for (const event of element.events) add(event.module, event.className);
  }
  return [...byModule].map(([module, names]) => `import type { ${[...names].sort().join(', ')} } from '${typesModule(module)}';\n`).join('');
}

function elementsFile(elements) {
  let out = `${HEADER}${importLines(elements)}\n`;
  for (const { tag, className, props, events } of elements) {
    out += `${doc(`Attributes and properties of <${tag}>.`, '')}export interface ${className}Props {\n`;
    for (const [name, prop] of props) {
      out += `${doc(prop.description, '  ')}  ${key(name)}?: ${prop.field ? `${className}['${prop.field}']` : 'string'};\n`;
    }
    out += `}\n\n${doc(`Events of <${tag}>, by name.`, '')}export interface ${className}Events {\n`;
    for (const event of events) out += `${doc(event.description, '  ')}  ${key(event.name)}: ${event.className};\n`;
    out += '}\n\n';
  }
  out += `${doc('Every element by tag: its class, props and events.', '')}export interface PlanshipElements {\n`;
  for (const { tag, className } of elements) {
    out += `  '${tag}': { element: ${className}; props: ${className}Props; events: ${className}Events };\n`;
  }
  return `${out}}\n`;
}

/** A framework's declaration file: one line per element inside `augmentation`'s braces. */
function frameworkFile(elements, { intro, augmentation, entry, indent }) {
  const entries = elements.map(({ tag, summary }) => `${doc(summary, indent)}${indent}'${tag}': ${entry}<'${tag}'>;\n`).join('');
  return `${HEADER}${intro}\n${augmentation.replace('%ENTRIES%', entries)}`;
}

const REACT = {
  intro: `import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { PlanshipElements } from './elements.js';

type Tag = keyof PlanshipElements;
type Element<T extends Tag> = PlanshipElements[T]['element'];
/** React 19 sets a prop as a property when the element has it (else as an attribute), and turns
 *  \`on<event-name>\` props into addEventListener('<event-name>') on custom elements. */
type EventProps<Events> = { [Name in keyof Events & string as \`on\${Name}\`]?: (event: Events[Name]) => void };
export type PlanshipReactProps<T extends Tag> = Omit<DetailedHTMLProps<HTMLAttributes<Element<T>>, Element<T>>, keyof PlanshipElements[T]['props']> &
  PlanshipElements[T]['props'] &
  EventProps<PlanshipElements[T]['events']>;
`,
  augmentation: `declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
%ENTRIES%    }
  }
}
`,
  entry: 'PlanshipReactProps',
  indent: '      ',
};

const VUE = {
  intro: `import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { PlanshipElements } from './elements.js';

type Tag = keyof PlanshipElements;
type Events<T extends Tag> = PlanshipElements[T]['events'];
/** \`onPlanshipPlanChange\` for planship-plan-change: what h() takes and \`@planship-plan-change\` compiles to. */
type EventProps<E> = { [Name in keyof E & string as \`on\${Capitalize<CamelCase<Name>>}\`]?: (event: E[Name]) => void };
type CamelCase<S extends string> = S extends \`\${infer Head}-\${infer Tail}\` ? \`\${Head}\${Capitalize<CamelCase<Tail>>}\` : S;
/** Vue reads template props from \`$props\` and events from \`$emit\` (Vue's guide, "Web Components and TypeScript"). */
export type PlanshipVueElement<T extends Tag> = new () => PlanshipElements[T]['element'] & {
  /** @deprecated For template type checking only. */
  $props: HTMLAttributes & PlanshipElements[T]['props'] & EventProps<Events<T>> & PublicProps;
  /** @deprecated For template type checking only. */
  $emit: EmitFn<{ [Name in keyof Events<T>]: (event: Events<T>[Name]) => void }>;
};
`,
  augmentation: `declare module 'vue' {
  interface GlobalComponents {
%ENTRIES%  }
}
`,
  entry: 'PlanshipVueElement',
  indent: '    ',
};

const SVELTE = {
  intro: `import type { HTMLAttributes } from 'svelte/elements';
import type { PlanshipElements } from './elements.js';

type Tag = keyof PlanshipElements;
/** Svelte 5 sets a prop as a property when the element has it, and \`on<event-name>\` listens to <event-name>. */
type EventProps<Events> = { [Name in keyof Events & string as \`on\${Name}\`]?: (event: Events[Name]) => void };
export type PlanshipSvelteProps<T extends Tag> = Omit<HTMLAttributes<PlanshipElements[T]['element']>, keyof PlanshipElements[T]['props']> &
  PlanshipElements[T]['props'] &
  EventProps<PlanshipElements[T]['events']>;
`,
  augmentation: `declare module 'svelte/elements' {
  interface SvelteHTMLElements {
%ENTRIES%  }
}
`,
  entry: 'PlanshipSvelteProps',
  indent: '    ',
};

/** Writes the framework typings for `manifest` into `typesDir` (dist/types); returns the files. */
export function writeFrameworkTypes(manifest, typesDir) {
  const elements = elementsOf(manifest);
  const files = {
    'elements.d.ts': elementsFile(elements),
    'react.d.ts': frameworkFile(elements, REACT),
    'vue.d.ts': frameworkFile(elements, VUE),
    'svelte.d.ts': frameworkFile(elements, SVELTE),
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(typesDir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return Object.keys(files).map((name) => join(typesDir, name));
}
