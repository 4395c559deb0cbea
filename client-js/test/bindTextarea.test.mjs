import assert from "node:assert/strict";
import { test } from "node:test";
import { bindTextarea, diff, LiveSyncDocument } from "../dist/index.js";

// A stand-in for a <textarea>, enough for the binding: like a real one, setting `value` puts the caret at the end.
class FakeTextarea {
  #value = "";
  #listeners = new Map();
  selectionStart = 0;
  selectionEnd = 0;
  selectionDirection = "none";
  scrollTop = 0;
  scrollLeft = 0;
  ownerDocument = { activeElement: this };

  get value() {
    return this.#value;
  }

  set value(text) {
    this.#value = text;
    this.selectionStart = this.selectionEnd = text.length;
  }

  setSelectionRange(start, end, direction = "none") {
    this.selectionStart = start;
    this.selectionEnd = end;
    this.selectionDirection = direction;
  }

  addEventListener(name, handler) {
    this.#listeners.set(name, [...(this.#listeners.get(name) ?? []), handler]);
  }

  removeEventListener(name, handler) {
    this.#listeners.set(name, (this.#listeners.get(name) ?? []).filter((h) => h !== handler));
  }

  dispatch(name, event = {}) {
    for (const handler of this.#listeners.get(name) ?? []) handler(event);
  }

  /** Types `text` over the selection, as a user would. */
  type(text, { composing = false } = {}) {
    const before = this.#value.slice(0, this.selectionStart);
    this.#value = before + text + this.#value.slice(this.selectionEnd);
    this.selectionStart = this.selectionEnd = before.length + text.length;
    this.dispatch("input", { isComposing: composing });
  }
}

// A document with no server behind it: local changes stay queued; remote ops are fed in by hand.
async function offlineDocument(text) {
  const hub = {
    clientId: "me-123456",
    isConnected: false,
    open: async () => ({ docId: "d", type: "text", v: 1, data: text, presence: {} }),
  };
  const doc = new LiveSyncDocument("d", hub, 500);
  await doc.openCore();
  let seq = 0;
  return { doc, remote: (op) => doc.receive({ v: doc.version + 1, clientId: "other-1234", seq: ++seq, op, ts: 0 }) };
}

test("diff makes the smallest replace, in code points, never splitting a surrogate pair", () => {
  assert.equal(diff("abc", "abc"), null);
  assert.deepEqual(diff("abc", "abXc"), [2, "X"]);
  assert.deepEqual(diff("a😀c", "a😀Xc"), [2, "X"]);
  assert.deepEqual(diff("a😀c", "ac"), [1, { d: 1 }]);
  // 😀 and 😃 share their first UTF-16 unit: the change is the whole code point.
  assert.deepEqual(diff("x😀", "x😃"), [1, { d: 1 }, "😃"]);
  assert.deepEqual(diff("hello", ""), [{ d: 5 }]);
});

test("typing becomes ops on the document", async () => {
  const { doc } = await offlineDocument("hello");
  const area = new FakeTextarea();
  bindTextarea(area, doc);
  assert.equal(area.value, "hello");
  area.setSelectionRange(5, 5);
  area.type(" world");
  area.setSelectionRange(0, 1);
  area.type("J");
  assert.equal(doc.text, "Jello world");
  assert.equal(doc.hasUnconfirmedChanges, true);
});

test("a remote op keeps the caret and selection where they belong, emoji included", async () => {
  const { doc, remote } = await offlineDocument("a😀bcdef");
  const area = new FakeTextarea();
  bindTextarea(area, doc);
  // Select "cd" (UTF-16 4..6, code points 3..5).
  area.setSelectionRange(4, 6, "backward");
  remote(["👍🏽"]); // before the selection: it moves right by 4 UTF-16 units
  assert.equal(area.value, "👍🏽a😀bcdef");
  assert.deepEqual([area.selectionStart, area.selectionEnd, area.selectionDirection], [8, 10, "backward"]);
  remote([7, "!"]); // at the selection's end: it stays
  assert.deepEqual([area.selectionStart, area.selectionEnd], [8, 10]);
  remote([{ d: 2 }]); // removes "👍🏽" (two code points)
  assert.equal(area.value, "a😀bcd!ef");
  assert.deepEqual([area.selectionStart, area.selectionEnd], [4, 6]);
  assert.equal(doc.text, area.value);
});

test("a remote op during an IME composition waits for its end, then both are kept", async () => {
  const { doc, remote } = await offlineDocument("hello world");
  const area = new FakeTextarea();
  bindTextarea(area, doc);
  area.setSelectionRange(5, 5);
  area.dispatch("compositionstart");
  area.type("に", { composing: true });
  area.selectionStart = 5; // the composition replaces its own text as it goes
  area.type("日本", { composing: true });
  remote(["> "]);
  assert.equal(area.value, "hello日本 world", "the element is left alone while composing");
  assert.equal(doc.text, "> hello world");
  area.dispatch("compositionend");
  assert.equal(area.value, "> hello日本 world");
  assert.equal(doc.text, area.value);
  assert.deepEqual([area.selectionStart, area.selectionEnd], [9, 9]);
});

test("unbind stops both directions", async () => {
  const { doc, remote } = await offlineDocument("abc");
  const area = new FakeTextarea();
  const binding = bindTextarea(area, doc);
  binding.unbind();
  area.type("x");
  remote(["y"]);
  assert.equal(doc.text, "yabc");
  assert.equal(area.value, "abcx");
});
