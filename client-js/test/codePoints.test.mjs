import assert from "node:assert/strict";
import { test } from "node:test";
import { codePointLength, toCodePoints, toUtf16 } from "../dist/index.js";

test("code points count an emoji as one, UTF-16 as two", () => {
  const text = "a😀b👍🏽c";
  assert.equal(text.length, 9);
  assert.equal(codePointLength(text), 6);
  assert.equal(toCodePoints(text, 3), 2);
  assert.equal(toUtf16(text, 2), 3);
  assert.equal(toUtf16(text, 6), 9);
  assert.equal(toUtf16(text, 99), 9);
  for (let cp = 0; cp <= 6; cp++) {
    assert.equal(toCodePoints(text, toUtf16(text, cp)), cp);
  }
});

test("a lone surrogate counts as one code point", () => {
  assert.equal(codePointLength("a\ud83d"), 2);
  assert.equal(toUtf16("\ud83dx", 1), 1);
});
