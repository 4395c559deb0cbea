import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveSyncRetryPolicy } from "../dist/index.js";

test("delays double from the base, stay between half and all of the bound, and stop at the maximum", () => {
  const policy = new LiveSyncRetryPolicy(500, 30_000);
  assert.equal(policy.nextDelayMs(0, 0), 250);
  assert.equal(policy.nextDelayMs(0, 0.999999) < 500, true);
  assert.equal(policy.nextDelayMs(3, 0), 2000);
  assert.equal(policy.nextDelayMs(100, 0), 15_000);
  assert.equal(policy.nextDelayMs(1e9, 0.5), 22_500);
  for (let retry = 0; retry < 20; retry++) {
    const delay = policy.nextDelayMs(retry);
    const bound = Math.min(30_000, 500 * 2 ** retry);
    assert.ok(delay >= bound / 2 && delay <= bound, `retry ${retry}: ${delay}`);
  }
});

test("out-of-range delays are refused", () => {
  assert.throws(() => new LiveSyncRetryPolicy(0, 10), RangeError);
  assert.throws(() => new LiveSyncRetryPolicy(100, 10), RangeError);
});
