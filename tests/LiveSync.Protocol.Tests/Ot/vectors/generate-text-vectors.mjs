// Generates text-vectors.json: what the npm package ot-text-unicode returns for seeded random cases, so the
// C# TextType can be checked against the real thing without node at test time.
//
// To regenerate (from any scratch folder outside the repository):
//   npm install ot-text-unicode@4.0.0
//   node <repo>/tests/LiveSync.Protocol.Tests/Ot/vectors/generate-text-vectors.mjs [seed] > <repo>/tests/LiveSync.Protocol.Tests/Ot/vectors/text-vectors.json
// The script resolves ot-text-unicode from the current working directory.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'noop.js'));
const { type } = require('ot-text-unicode');
const packageVersion = require('ot-text-unicode/package.json').version;

const seed = Number(process.argv[2] ?? 20240601) >>> 0;
const caseCount = 400;
const rawCount = 200;

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

// ASCII (with chars JSON escapes), a BMP letter, a CJK letter and astral characters (two UTF-16 units each).
const alphabet = ['a', 'b', 'c', 'd', 'e', ' ', '\n', '"', '\\', '\u0001', 'é', '中', '😅', '🤖', '👻', '𝄞'];
const randomText = (min, max) => {
  let s = '';
  const n = min + randomInt(max - min + 1);
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
};
const codePoints = (s) => Array.from(s);

// A random op valid on doc: skips, inserts, deletes by count and by text, normalized as a client would send it.
const randomOp = (doc) => {
  const chars = codePoints(doc);
  let pos = 0;
  const op = [];
  const steps = 1 + randomInt(5);
  for (let i = 0; i < steps; i++) {
    const left = chars.length - pos;
    switch (randomInt(3)) {
      case 0:
        if (left > 0) {
          const n = 1 + randomInt(Math.min(left, 4));
          op.push(n);
          pos += n;
        }
        break;
      case 1:
        op.push(randomText(1, 3));
        break;
      default:
        if (left > 0) {
          const n = 1 + randomInt(Math.min(left, 4));
          op.push({ d: randomInt(2) ? n : chars.slice(pos, pos + n).join('') });
          pos += n;
        }
        break;
    }
  }
  return type.normalize(op);
};

// A raw op for checkOp and normalize: often unnormalized, sometimes invalid.
const randomRawOp = () => {
  const op = [];
  const n = randomInt(6);
  for (let i = 0; i < n; i++) {
    switch (randomInt(8)) {
      case 0: op.push(1 + randomInt(3)); break;
      case 1: case 2: op.push(randomText(1, 2)); break;
      case 3: case 4: op.push({ d: 1 + randomInt(3) }); break;
      case 5: op.push({ d: randomText(1, 2) }); break;
      case 6: op.push(randomInt(4) === 0 ? '' : randomText(1, 1)); break;
      default: op.push(randomInt(2) ? { d: 0 } : 0); break;
    }
  }
  return op;
};

const tryOr = (f) => {
  try {
    return f();
  } catch {
    return null;
  }
};

const cases = [];
for (let i = 0; i < caseCount; i++) {
  const doc = randomText(0, 12);
  const a = randomOp(doc);
  const b = randomOp(doc);
  const afterA = type.apply(doc, a);
  const c = randomOp(afterA);
  const docLength = codePoints(doc).length;
  const cursors = [0, randomInt(docLength + 1), docLength, docLength + 1];
  cases.push({
    doc,
    a,
    b,
    c,
    applyA: afterA,
    applyB: type.apply(doc, b),
    transformLeft: type.transform(a, b, 'left'),
    transformRight: type.transform(a, b, 'right'),
    composeAC: type.compose(a, c),
    applyComposeAC: type.apply(doc, type.compose(a, c)),
    cursors,
    transformPosition: cursors.map((cursor) => type.transformPosition(cursor, a)),
  });
}

const raw = [];
for (let i = 0; i < rawCount; i++) {
  const op = randomRawOp();
  const valid = tryOr(() => {
    type.checkOp(op);
    return true;
  }) ?? false;
  // normalize mutates merged deletes in place, so give it a copy.
  raw.push({ op, valid, normalized: valid ? type.normalize(JSON.parse(JSON.stringify(op))) : null });
}

// One case a line: small enough to review in a diff, easy to find a failing case by its index.
const lines = (items) => items.map((item) => '  ' + JSON.stringify(item)).join(',\n');
process.stdout.write(
  `{\n "package": "ot-text-unicode@${packageVersion}",\n "seed": ${seed},\n "cases": [\n${lines(cases)}\n ],\n "raw": [\n${lines(raw)}\n ]\n}\n`);
