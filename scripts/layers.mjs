// Checks that the crate's imports flow one way: no two modules import each other, however
// indirectly, and each module of the pure core imports only the core modules declared before it
// in src/lib.rs. Reads every `crate::…` path outside `#[cfg(test)]`;
// the files under `src/<module>/` count as their module, and each file of `src/web/` (and the
// engines together) as its own. Prints the imports and exits 1 on a circle or a wrong way.
//
//   node scripts/layers.mjs [SRC_DIR]

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = process.argv[2] ?? 'src';

/** The pure core, lowest first: the order of src/lib.rs's `pub mod NAME;` lines. */
const CORE = [...readFileSync(join(src, 'lib.rs'), 'utf8').matchAll(/^pub mod ([a-z_]+);$/gm)]
  .map((m) => m[1])
  .filter((name) => name !== 'web');
if (CORE.length === 0) {
  console.log(`no \`pub mod NAME;\` lines in ${join(src, 'lib.rs')}`);
  process.exit(1);
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.rs') ? [path] : [];
  });
}

/** The module a file belongs to, or null for binaries. */
function moduleOf(path) {
  const parts = relative(src, path).replace(/\.rs$/, '').split('/');
  if (parts[0] === 'bin' || parts[0] === 'lib') return null;
  if (parts[0] !== 'web') return parts[0];
  if (parts.length === 1) return 'web';
  return parts[1] === 'engines' ? 'web::engines' : `web::${parts[1]}`;
}

function webModule(name) {
  return name === 'engines' ? 'web::engines' : `web::${name}`;
}

const imports = new Map();
for (const path of files(src)) {
  const from = moduleOf(path);
  if (!from) continue;
  let text = readFileSync(path, 'utf8');
  const tests = text.indexOf('#[cfg(test)]');
  if (tests >= 0) text = text.slice(0, tests);
  const to = imports.get(from) ?? new Set();
  for (const m of text.matchAll(/crate::(web::)?([a-z_]+)(::\{)?/g)) {
    // `crate::web::{a, b}` names web's modules, read below.
    if (!m[1] && m[2] === 'web' && m[3]) continue;
    to.add(m[1] ? webModule(m[2]) : m[2]);
  }
  for (const m of text.matchAll(/crate::web::\{([^}]*)\}/g)) {
    for (const name of m[1].match(/[a-z_]+/g) ?? []) to.add(webModule(name));
  }
  to.delete(from);
  to.delete('self');
  imports.set(from, to);
}

// Circles: strongly connected components of more than one module (Tarjan).
const index = new Map(), low = new Map(), stack = [], onStack = new Set(), circles = [];
let counter = 0;
function visit(v) {
  index.set(v, counter); low.set(v, counter); counter++;
  stack.push(v); onStack.add(v);
  for (const w of imports.get(v) ?? []) {
    if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); component.push(w); } while (w !== v);
    if (component.length > 1) circles.push(component.sort());
  }
}
for (const v of [...imports.keys()].sort()) if (!index.has(v)) visit(v);

const wrongWay = [];
for (const [i, from] of CORE.entries()) {
  for (const to of imports.get(from) ?? []) {
    if (to === 'web' || to.startsWith('web::')) wrongWay.push(`${from} -> ${to} (the core imports the glue)`);
    else if (CORE.includes(to) && CORE.indexOf(to) > i) wrongWay.push(`${from} -> ${to} (listed after it)`);
  }
}
const unlisted = [...imports.keys()].filter((m) => m !== 'web' && !m.startsWith('web::') && !CORE.includes(m));

for (const [from, to] of [...imports].sort()) console.log(`${from} -> ${[...to].sort().join(', ')}`);
console.log(`circles: ${circles.length}${circles.map((c) => `\n  ${c.join(' <-> ')}`).join('')}`);
for (const w of wrongWay) console.log(`wrong way: ${w}`);
for (const m of unlisted) console.log(`not in the layout's order: ${m} (declare it in src/lib.rs)`);
process.exit(circles.length || wrongWay.length || unlisted.length ? 1 : 0);
