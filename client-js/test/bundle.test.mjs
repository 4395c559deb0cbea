// The browser bundle is committed (so the server shows a working demo with no npm step); this fails when it is
// not the one the current sources and dependencies make. Fix: `npm run build` in client-js.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { bundle, bundlePath } from "../scripts/bundle.mjs";

test("the committed browser bundle is built from the current sources", async () => {
  const fresh = Buffer.from(await bundle());
  const committed = readFileSync(bundlePath);
  assert.ok(committed.equals(fresh), `${bundlePath} is out of date: run \`npm run build\` in client-js`);
});

test("the bundle stays small", async () => {
  const { gzipSync } = await import("node:zlib");
  const size = gzipSync(readFileSync(bundlePath), { level: 9 }).length;
  assert.ok(size < 60_000, `gzipped bundle is ${size} bytes`);
});
