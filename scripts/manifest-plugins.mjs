// Analyzer plugins that make dist/custom-elements.json describe the package as published.
//
// typedEvents: an event's name and type come from its Event subclass (a class with
//   `static readonly eventName = '...'`). The analyzer names an event found in
//   `this.dispatchEvent(new X(a, b))` after the constructor's first argument, which for our
//   classes is not a name at all (`new PlanshipErrorEvent(error, ...)` became a made-up `error`
//   event); such an entry is renamed through its class and merged with the `@fires` line of the
//   same name. A `@fires` line without a `{Type}` gets its class; one whose type and name
//   disagree fails the build. Every typed event links to its class (`type.references`).
// internalState: a reactive property declared `{ state: true }` in `static properties` is the
//   element's own state, with no attribute (the analyzer would give it one, named as the field).
// publishedModules: only the modules a user can reach (each element's module, its base
//   classes, the event classes) stay, with `src/x.ts` paths turned into the published
//   `dist/lib/x.js`; scripts/build.mjs makes each of them an entry of the library build.

/** `src/components/a/b.ts` (the analyzer sometimes adds a leading `/`) -> `dist/lib/components/a/b.js`. */
export const publishedPath = (sourcePath) => sourcePath.replace(/^\/?src\/(.+)\.ts$/, 'dist/lib/$1.js');

/** Event subclasses found in the sources: class name -> event name, and back. */
const eventNameOf = new Map();
const eventClassOf = new Map();

function staticEventName(ts, node) {
  for (const member of node.members ?? []) {
    const isStatic = member.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
    if (isStatic && ts.isPropertyDeclaration(member) && member.name.getText() === 'eventName' && member.initializer && ts.isStringLiteral(member.initializer)) {
      return member.initializer.text;
    }
  }
  return undefined;
}

/** One entry per event name: what the `@fires` line says, completed from the dispatch's class. */
function mergeEvents(className, events) {
  const byName = new Map();
  for (const event of events) {
    const typeName = event.type?.text;
    const classEventName = typeName ? eventNameOf.get(typeName) : undefined;
    let name = event.name;
    if (classEventName && name !== classEventName) {
      // A documented event (it has a description) must name what its class dispatches.
      if (event.description) {
        throw new Error(`${className}: @fires {${typeName}} ${name}, but ${typeName} is '${classEventName}'`);
      }
      name = classEventName;
    }
    if (!name) continue;
    const known = byName.get(name) ?? {};
    const entry = { ...known, ...event, name, description: known.description ?? event.description };
    entry.type ??= eventClassOf.has(name) ? { text: eventClassOf.get(name) } : undefined;
    for (const key of ['type', 'description']) if (entry[key] === undefined) delete entry[key];
    byName.set(name, entry);
  }
  return [...byName.values()];
}

export function typedEvents() {
  return {
    name: 'planship-typed-events',
    collectPhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const eventName = staticEventName(ts, node);
      if (!eventName) return;
      eventNameOf.set(node.name.text, eventName);
      eventClassOf.set(eventName, node.name.text);
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        if (declaration.events?.length) declaration.events = mergeEvents(declaration.name, declaration.events);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      const moduleOf = new Map();
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) moduleOf.set(declaration.name, module.path);
      }
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          for (const event of declaration.events ?? []) {
            const typeName = event.type?.text;
            if (typeName && moduleOf.has(typeName)) {
              event.type = { ...event.type, references: [{ name: typeName, module: moduleOf.get(typeName), start: 0, end: typeName.length }] };
            }
          }
        }
      }
    },
  };
}

/** Names declared `{ state: true }` in a class's `static properties` object. */
function stateNames(ts, node) {
  const names = [];
  for (const member of node.members ?? []) {
    const isStatic = member.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
    if (!isStatic || !ts.isPropertyDeclaration(member) || member.name.getText() !== 'properties') continue;
    if (!member.initializer || !ts.isObjectLiteralExpression(member.initializer)) continue;
    for (const property of member.initializer.properties) {
      const options = ts.isPropertyAssignment(property) ? property.initializer : undefined;
      const isState = options && ts.isObjectLiteralExpression(options) && options.properties.some(
        (option) => ts.isPropertyAssignment(option) && option.name.getText() === 'state' && option.initializer.kind === ts.SyntaxKind.TrueKeyword,
      );
      if (isState) names.push(property.name.getText());
    }
  }
  return names;
}

export function internalState() {
  const stateOf = new Map();
  return {
    name: 'planship-internal-state',
    collectPhase({ ts, node }) {
      if (ts.isClassDeclaration(node) && node.name) stateOf.set(node.name.text, stateNames(ts, node));
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        const names = new Set(stateOf.get(declaration.name) ?? []);
        if (!names.size) continue;
        declaration.attributes = declaration.attributes?.filter((attribute) => !names.has(attribute.fieldName));
        if (!declaration.attributes?.length) delete declaration.attributes;
        for (const member of declaration.members ?? []) if (names.has(member.name)) delete member.attribute;
      }
    },
  };
}

/** Every `module` a declaration points at (base classes, inherited items, event types, exports). */
function referencedModules(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((item) => referencedModules(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'module' && typeof inner === 'string') found.add(inner.replace(/^\//, ''));
      else referencedModules(inner, found);
    }
  }
  return found;
}

function rewriteModules(value) {
  if (Array.isArray(value)) value.forEach(rewriteModules);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'module' && typeof inner === 'string') value.module = publishedPath(inner);
      else rewriteModules(inner);
    }
  }
}

export function publishedModules() {
  return {
    name: 'planship-published-modules',
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules;
      const byPath = new Map(modules.map((module) => [module.path, module]));
      const kept = new Set(modules.filter((module) => module.declarations?.some((d) => d.customElement)).map((m) => m.path));
      // Follow references until nothing new turns up (a base class's base, its events' classes, ...).
      for (let size = -1; size !== kept.size; ) {
        size = kept.size;
        for (const path of [...kept]) {
          for (const referenced of referencedModules(byPath.get(path).declarations)) {
            if (byPath.has(referenced)) kept.add(referenced);
          }
        }
      }
      customElementsManifest.modules = modules.filter((module) => kept.has(module.path));
      // The analyzer places a base class it cannot find (`Event`) in the subclass's own module.
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          const base = declaration.superclass;
          const home = base?.module && byPath.get(base.module.replace(/^\//, ''));
          if (home && !home.declarations?.some((candidate) => candidate.name === base.name)) {
            declaration.superclass = { name: base.name, package: 'global:' };
          }
        }
      }
      for (const module of customElementsManifest.modules) {
        module.path = publishedPath(module.path);
        rewriteModules(module.declarations);
        rewriteModules(module.exports);
      }
    },
  };
}
