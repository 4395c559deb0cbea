import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonType, LiveSyncError, textType } from "../dist/index.js";

// A small seeded generator, so a failure can be replayed with the printed seed.
function random(seed) {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

const alphabet = ["a", "b", "é", "😀", "👍🏽", " ", "\n"];

function randomText(rand, max) {
  let s = "";
  for (let i = rand(max); i > 0; i--) s += alphabet[rand(alphabet.length)];
  return s;
}

function randomOp(rand, doc) {
  const length = [...doc].length;
  const pos = rand(length + 1);
  const op = pos > 0 ? [pos] : [];
  if (rand(2) === 0 && pos < length) {
    op.push({ d: 1 + rand(length - pos) });
  } else {
    op.push(randomText(rand, 3) || "x");
  }
  return op;
}

test("text: apply(apply(s,a), transform(b,a,right)) equals apply(apply(s,b), transform(a,b,left))", () => {
  const seed = Number(process.env.LIVESYNC_SEED ?? Date.now() % 100000);
  const rand = random(seed);
  for (let i = 0; i < 300; i++) {
    const s = randomText(rand, 8);
    const a = randomOp(rand, s);
    const b = randomOp(rand, s);
    const left = textType.apply(textType.apply(s, a), textType.transform(b, a, "right"));
    const right = textType.apply(textType.apply(s, b), textType.transform(a, b, "left"));
    assert.equal(left, right, `seed ${seed}, case ${i}: s=${JSON.stringify(s)} a=${JSON.stringify(a)} b=${JSON.stringify(b)}`);
  }
});

test("text: create and apply check their input", () => {
  assert.equal(textType.create(undefined), "");
  assert.throws(() => textType.create(5), (e) => e instanceof LiveSyncError && e.code === "invalid_op");
  assert.throws(() => textType.apply("abc", [9, "x"]), (e) => e instanceof LiveSyncError && e.code === "invalid_op");
  assert.equal(textType.apply("a😀c", [2, "b"]), "a😀bc");
  assert.deepEqual(textType.compose([1, "x"], [2, "y"]), [1, "xy"]);
  assert.equal(textType.isNoop([3]), true);
});

test("json: apply leaves its input unchanged", () => {
  const snapshot = { list: [1, 2] };
  const next = jsonType.apply(snapshot, [{ p: ["list", 2], li: 3 }]);
  assert.deepEqual(next, { list: [1, 2, 3] });
  assert.deepEqual(snapshot, { list: [1, 2] });
  assert.throws(() => jsonType.apply(snapshot, [{ p: ["missing", "x"], oi: 1 }]), (e) => e instanceof LiveSyncError && e.code === "invalid_op");
  assert.deepEqual(snapshot, { list: [1, 2] });
});
