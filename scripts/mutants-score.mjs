// The mutation score per file from cargo-mutants' outcomes.json, leaving out the mutants that
// scripts/mutants-equivalent.txt lists as equivalent. Prints one row per file and each surviving
// mutant; exits 1 when a file is under the target or an entry of the list matches no mutant.
// After an `--iterate` run, which tests only what earlier runs did not catch, the mutants listed
// in previously_caught.txt beside outcomes.json count as caught.
//
//   node scripts/mutants-score.mjs OUTCOMES_JSON EQUIVALENT_TXT [TARGET_PERCENT]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [outcomesPath, equivalentPath, targetArg = '97'] = process.argv.slice(2);
const target = Number(targetArg);

// A mutant's name without its line and column: stable while code above it moves.
const key = (name) => name.replace(/^([^:]+):\d+:\d+: /, '$1: ');

// Entries: a line naming a mutant, then indented lines saying why it is equivalent.
function readEquivalent(path) {
  const entries = new Map();
  let last = null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (!last) throw new Error(`${path}: a reason before any mutant: ${line}`);
      entries.get(last).push(line.trim());
    } else {
      last = line.trim();
      entries.set(last, []);
    }
  }
  for (const [name, why] of entries) {
    if (why.length === 0) throw new Error(`${path}: no reason given for ${name}`);
  }
  return entries;
}

const equivalent = readEquivalent(equivalentPath);
const used = new Set();
const tested = new Set();
const files = new Map();
for (const o of JSON.parse(readFileSync(outcomesPath, 'utf8')).outcomes) {
  const m = o.scenario.Mutant;
  if (!m) continue;
  tested.add(key(m.name));
  const f = files.get(m.file) ?? { caught: 0, missed: [], equivalent: 0, unviable: 0 };
  files.set(m.file, f);
  if (o.summary === 'Unviable') f.unviable++;
  // A mutant that makes the tests hang is caught: the run fails.
  else if (o.summary === 'CaughtMutant' || o.summary === 'Timeout') f.caught++;
  else if (o.summary === 'MissedMutant') {
    if (equivalent.has(key(m.name))) {
      f.equivalent++;
      used.add(key(m.name));
    } else f.missed.push(m.name);
  } else throw new Error(`unknown outcome ${o.summary} for ${m.name}`);
}

const previously = join(dirname(outcomesPath), 'previously_caught.txt');
if (existsSync(previously)) {
  for (const name of readFileSync(previously, 'utf8').split('\n').filter(Boolean)) {
    if (tested.has(key(name))) continue;
    const file = name.split(':')[0];
    const f = files.get(file) ?? { caught: 0, missed: [], equivalent: 0, unviable: 0 };
    files.set(file, f);
    f.caught++;
  }
}

let ok = true;
const width = Math.max(20, ...[...files.keys()].map((f) => f.length));
console.log(`${'file'.padEnd(width)} caught  missed  equivalent  unviable  score`);
for (const [file, f] of [...files].sort()) {
  const score = (100 * f.caught) / Math.max(1, f.caught + f.missed.length);
  if (score < target) ok = false;
  console.log(
    `${file.padEnd(width)} ${String(f.caught).padStart(6)}  ${String(f.missed.length).padStart(6)}  ` +
      `${String(f.equivalent).padStart(10)}  ${String(f.unviable).padStart(8)}  ${score.toFixed(1)}%`,
  );
}
for (const f of files.values()) for (const name of f.missed) console.log(`missed: ${name}`);
for (const name of equivalent.keys()) {
  // Only for mutants this run tested (a run may be given a few with --re).
  if (tested.has(name) && !used.has(name)) {
    console.log(`listed as equivalent but caught: ${name}`);
    ok = false;
  }
}
console.log(ok ? `every file at ${target}% or more` : `under the target of ${target}% per file, or a mutant listed as equivalent was caught`);
process.exit(ok ? 0 : 1);
