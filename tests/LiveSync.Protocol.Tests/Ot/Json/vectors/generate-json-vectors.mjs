// Generates json-vectors.json: what the npm package ot-json0 returns for seeded random cases, so the C#
// JsonType can be checked against the real thing without node at test time.
//
// To regenerate (from any scratch folder outside the repository):
//   npm install ot-json0@1.1.0
//   node <repo>/tests/LiveSync.Protocol.Tests/Ot/Json/vectors/generate-json-vectors.mjs [seed] > <repo>/tests/LiveSync.Protocol.Tests/Ot/Json/vectors/json-vectors.json
// The script resolves ot-json0 from the current working directory; it prints a summary to stderr.
//
// Each case holds a small nested document, two ops a and b made against it and an op c made after a, all
// normalized by ot-json0, and the package's apply, transform (both sides) and compose results. ot-json0 only
// promises convergence for one op against one op (TP1), and not for ops it has no rule for (a lone oi over a
// property that exists, edits inside it); the generator makes only ops that fit the document exactly. Each case
// records whether it converged and whether every transformed op still fits the document exactly (ld/od/sd equal
// to what they delete, indexes in range), which is what LiveSync's stricter apply requires. In runs of 60,000
// cases over several seeds every case did both; the C# tests check convergence only where the package did.
// CASES=n overrides the number of cases.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const { type: json0 } = require('ot-json0');
const packageVersion = require('ot-json0/package.json').version;

const seed = Number(process.argv[2] ?? 20240601) >>> 0;
const caseCount = Number(process.env.CASES ?? 500);

// mulberry32: small, seeded, good enough for test data.
let state = seed;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const randomInt = (n) => Math.floor(random() * n);
const pick = (items) => items[randomInt(items.length)];
const clone = (o) => (o === undefined ? undefined : JSON.parse(JSON.stringify(o)));

// ASCII (with chars JSON escapes), a BMP letter, a CJK letter and astral characters (two UTF-16 units each).
const alphabet = ['a', 'b', 'c', ' ', '"', '\\', '\n', 'é', '中', '😅', '🤖', '𝄞'];
const keys = ['a', 'b', 'c', 'd', 'e'];
const randomText = (min, max) => {
  let s = '';
  const n = min + randomInt(max - min + 1);
  for (let i = 0; i < n; i++) s += pick(alphabet);
  return s;
};
const randomNumber = () => (randomInt(4) === 0 ? randomInt(20) - 5 + 0.5 : randomInt(30) - 5);

const randomValue = (depth) => {
  const choice = randomInt(depth >= 2 ? 4 : 6);
  switch (choice) {
    case 0: return randomNumber();
    case 1: return randomText(0, 4);
    case 2: return pick([true, false, null]);
    case 3: return randomInt(2) ? randomNumber() : randomText(1, 3);
    case 4: {
      const list = [];
      const n = randomInt(4);
      for (let i = 0; i < n; i++) list.push(randomValue(depth + 1));
      return list;
    }
    default: {
      const obj = {};
      const n = randomInt(4);
      for (let i = 0; i < n; i++) obj[pick(keys)] = randomValue(depth + 1);
      return obj;
    }
  }
};

const randomDoc = () => {
  if (randomInt(8) === 0) {
    const list = [];
    const n = 1 + randomInt(4);
    for (let i = 0; i < n; i++) list.push(randomValue(1));
    return list;
  }
  const doc = {};
  const n = 2 + randomInt(3);
  for (let i = 0; i < n; i++) doc[pick(keys)] = randomValue(1);
  return doc;
};

// Every (path, value) in the document, the root included.
const walk = (value, p, out) => {
  out.push({ p, value });
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...p, i], out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) walk(value[k], [...p, k], out);
  return out;
};

// UTF-16 offsets of code point boundaries.
const boundaries = (s) => {
  const out = [0];
  let i = 0;
  for (const ch of s) { i += ch.length; out.push(i); }
  return out;
};

// A random component valid on doc, or null when the chosen kind has no place to act.
const randomComponent = (doc) => {
  const nodes = walk(doc, [], []);
  const kind = randomInt(11);
  const lists = nodes.filter((n) => Array.isArray(n.value));
  const items = nodes.filter((n) => n.p.length > 0 && typeof n.p[n.p.length - 1] === 'number');
  const props = nodes.filter((n) => n.p.length > 0 && typeof n.p[n.p.length - 1] === 'string');
  const objects = nodes.filter((n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value));
  const strings = nodes.filter((n) => typeof n.value === 'string');
  const numbers = nodes.filter((n) => typeof n.value === 'number');
  switch (kind) {
    case 0: {
      if (!numbers.length) return null;
      return { p: pick(numbers).p, na: randomInt(2) ? randomInt(10) - 3 : 0.5 };
    }
    case 1: {
      if (!lists.length) return null;
      const list = pick(lists);
      return { p: [...list.p, randomInt(list.value.length + 1)], li: randomValue(2) };
    }
    case 2: {
      if (!items.length) return null;
      const item = pick(items);
      return { p: item.p, ld: clone(item.value) };
    }
    case 3: {
      if (!items.length) return null;
      const item = pick(items);
      return { p: item.p, ld: clone(item.value), li: randomValue(2) };
    }
    case 4: {
      if (!items.length) return null;
      const item = pick(items);
      const parent = nodes.find((n) => JSON.stringify(n.p) === JSON.stringify(item.p.slice(0, -1)));
      return { p: item.p, lm: randomInt(parent.value.length) };
    }
    case 5: {
      if (!objects.length) return null;
      const obj = pick(objects);
      const free = keys.filter((k) => !(k in obj.value));
      if (!free.length) return null;
      return { p: [...obj.p, pick(free)], oi: randomValue(2) };
    }
    case 6: {
      if (!props.length) return null;
      const prop = pick(props);
      return { p: prop.p, od: clone(prop.value) };
    }
    case 7: {
      if (!props.length) return null;
      const prop = pick(props);
      return { p: prop.p, od: clone(prop.value), oi: randomValue(2) };
    }
    case 8:
    case 9: {
      if (!strings.length) return null;
      const s = pick(strings);
      const b = boundaries(s.value);
      const at = randomInt(b.length);
      if (kind === 8 || at === b.length - 1) return { p: [...s.p, b[at]], si: randomText(1, 3) };
      const end = at + 1 + randomInt(Math.min(3, b.length - 1 - at));
      return { p: [...s.p, b[at]], sd: s.value.slice(b[at], b[end]) };
    }
    default: {
      if (randomInt(6) !== 0) return null;
      return { p: [], od: clone(doc), oi: randomDoc() };
    }
  }
};

const randomOp = (doc) => {
  const op = [];
  let current = clone(doc);
  const steps = 1 + randomInt(randomInt(2) === 0 ? 3 : 1);
  for (let tries = 0; op.length < steps && tries < 50; tries++) {
    const c = randomComponent(current);
    if (!c) continue;
    op.push(c);
    current = json0.apply(current, [clone(c)]);
  }
  return normalized(op);
};

// normalize until nothing changes: it looks only at the last component, so one pass can leave a pair that a
// second pass merges (li 1, a replace of it by 2, ld 2 leaves li 1, ld 1). LiveSync normalizes every op it
// parses, so the recorded ops are the ones a further pass leaves alone.
const normalized = (op) => {
  for (;;) {
    const next = json0.normalize(clone(op));
    if (JSON.stringify(next) === JSON.stringify(op)) return next;
    op = next;
  }
};

// Deep equality of JSON values, property order aside.
const equal = (x, y) => JSON.stringify(sortKeys(x)) === JSON.stringify(sortKeys(y));
const sortKeys = (v) => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
};

// ot-json0's apply with the checks LiveSync adds: throws where LiveSync's apply would reject the op.
const strictApply = (doc, op) => {
  let root = clone(doc);
  for (const c of op) {
    const isString = c.si !== undefined || c.sd !== undefined;
    const containerPath = c.na !== undefined ? c.p : c.p.slice(0, -1);
    let node = root;
    for (const k of containerPath) {
      if (typeof k === 'number' ? !Array.isArray(node) || k >= node.length : node === null || typeof node !== 'object' || Array.isArray(node) || !(k in node)) throw new Error('path');
      node = node[k];
    }
    const k = c.p[c.p.length - 1];
    if (c.na !== undefined) {
      if (typeof node !== 'number') throw new Error('na');
    } else if (isString) {
      if (typeof node !== 'string') throw new Error('string');
      if (c.si !== undefined && k > node.length) throw new Error('si');
      if (c.sd !== undefined && node.slice(k, k + c.sd.length) !== c.sd) throw new Error('sd');
    } else if (c.lm !== undefined || c.li !== undefined || c.ld !== undefined) {
      if (!Array.isArray(node)) throw new Error('list');
      const limit = c.li !== undefined && c.ld === undefined ? node.length : node.length - 1;
      if (k > limit) throw new Error('index');
      if (c.lm !== undefined && c.lm > node.length - 1) throw new Error('lm');
      if (c.ld !== undefined && !equal(node[k], c.ld)) throw new Error('ld');
    } else if (c.p.length === 0) {
      if (c.od !== undefined && !equal(root, c.od)) throw new Error('od');
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error('object');
      if (c.od !== undefined && (!(k in node) || !equal(node[k], c.od))) throw new Error('od');
    }
    root = json0.apply(root, [clone(c)]);
  }
  return root;
};

const attempt = (f) => {
  try { return { ok: true, value: f() }; } catch (e) { return { ok: false, error: String(e.message ?? e) }; }
};

const cases = [];
let nonConvergent = 0;
let notStrict = 0;
let failures = 0;
for (let i = 0; i < caseCount; i++) {
  const doc = randomDoc();
  const a = randomOp(doc);
  const b = randomOp(doc);
  const applyA = json0.apply(clone(doc), clone(a));
  const applyB = json0.apply(clone(doc), clone(b));
  const c = randomOp(applyA);
  const left = attempt(() => json0.transform(clone(a), clone(b), 'left'));
  const right = attempt(() => json0.transform(clone(a), clone(b), 'right'));
  const bRight = attempt(() => json0.transform(clone(b), clone(a), 'right'));
  const composed = json0.compose(clone(a), clone(c));
  const item = {
    doc, a, b, c, applyA, applyB,
    composeAC: composed,
    applyComposeAC: json0.apply(clone(doc), clone(composed)),
  };
  if (!left.ok || !right.ok || !bRight.ok) {
    failures++;
    item.transformError = (left.error ?? right.error ?? bRight.error);
  } else {
    item.transformLeft = left.value;
    item.transformRight = right.value;
    // Convergence: doc + a + transform(b, a, right) against doc + b + transform(a, b, left).
    const viaA = attempt(() => json0.apply(clone(applyA), clone(bRight.value)));
    const viaB = attempt(() => json0.apply(clone(applyB), clone(left.value)));
    item.converges = viaA.ok && viaB.ok && equal(viaA.value, viaB.value);
    if (item.converges) item.converged = viaA.value;
    const strictA = attempt(() => strictApply(applyA, bRight.value));
    const strictB = attempt(() => strictApply(applyB, left.value));
    item.strict = strictA.ok && strictB.ok;
    if (!item.converges) nonConvergent++;
    else if (!item.strict) notStrict++;
  }
  cases.push(item);
}

// Raw ops, not normalized: what normalize makes of them (LiveSync normalizes every op it parses).
const raw = [];
for (let i = 0; i < 200; i++) {
  const doc = randomDoc();
  let op = [];
  let current = clone(doc);
  const steps = 2 + randomInt(4);
  for (let tries = 0; op.length < steps && tries < 80; tries++) {
    let c = randomComponent(current);
    if (!c) continue;
    // Often repeat the last path, so the merge rules get exercised.
    if (op.length > 0 && randomInt(2) === 0) {
      const last = op[op.length - 1];
      const p = last.p;
      const candidates = [];
      if (last.na !== undefined) candidates.push({ p, na: randomInt(5) - 2 });
      if (last.li !== undefined) candidates.push({ p, ld: clone(last.li) });
      // LiveSync rejects a lone od of the root: it would leave no document.
      if (last.oi !== undefined && p.length > 0) candidates.push({ p, od: clone(last.oi) });
      if (last.oi !== undefined) candidates.push({ p, od: clone(last.oi), oi: randomValue(2) });
      if (last.od !== undefined && last.oi === undefined) candidates.push({ p, oi: randomValue(2) });
      if (last.si !== undefined) candidates.push({ p: [...p.slice(0, -1), p[p.length - 1] + last.si.length], si: randomText(0, 2) });
      if (last.sd !== undefined) candidates.push({ p, sd: '' });
      if (last.lm !== undefined) candidates.push({ p: [...p.slice(0, -1), last.lm], lm: last.lm });
      if (candidates.length) c = pick(candidates);
    }
    const next = attempt(() => strictApply(current, [c]));
    if (!next.ok) continue;
    op.push(c);
    current = next.value;
  }
  raw.push({ doc, op, normalized: json0.normalize(clone(op)), result: json0.apply(clone(doc), clone(op)) });
}

process.stderr.write(`${caseCount} cases: ${nonConvergent} do not converge in ot-json0, ${notStrict} converge but leave an op that does not fit exactly, ${failures} throw in transform\n`);
// One case per line, so a regenerated file diffs readably.
const lines = (items) => items.map((item) => JSON.stringify(item)).join(',\n');
process.stdout.write(`{"package":${JSON.stringify(`ot-json0@${packageVersion}`)},"seed":${seed},\n"cases":[\n${lines(cases)}\n],\n"raw":[\n${lines(raw)}\n]}\n`);
