import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveSyncError } from "../dist/index.js";

test("a hub error becomes a LiveSyncError with the server's code", () => {
  const hubError = new Error("An unexpected error occurred invoking 'Submit' on the server. HubException: invalid_op: the op skips past the end");
  const error = LiveSyncError.fromHubError(hubError);
  assert.ok(error instanceof LiveSyncError);
  assert.equal(error.code, "invalid_op");
  assert.equal(error.message, "the op skips past the end");
  assert.equal(error.cause, hubError);
});

test("an explanation that contains a colon stays whole", () => {
  const error = LiveSyncError.fromHubError(new Error("HubException: invalid_doc_id: 'a b': has a space"));
  assert.equal(error.code, "invalid_doc_id");
  assert.equal(error.message, "'a b': has a space");
});

test("an error without a known code is returned unchanged", () => {
  const broken = new Error("Invocation canceled due to the underlying connection being closed.");
  assert.equal(LiveSyncError.fromHubError(broken), broken);
  const unknown = new Error("An unexpected error occurred invoking 'Open' on the server. HubException: whatever: no");
  assert.equal(LiveSyncError.fromHubError(unknown), unknown);
});
