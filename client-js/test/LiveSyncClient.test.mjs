// LiveSyncClient against a real server, through a loopback TCP proxy that breaks connections: reconnect with the
// same client id, resubmission of the change in flight with the same (client id, seq), edits made offline,
// transports and protocol choice. JSON hub protocol unless a test says otherwise.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LiveSyncClient, LiveSyncRetryPolicy } from "../dist/index.js";
import { startProxy } from "./support/proxy.mjs";
import { startServer } from "./support/server.mjs";
import { waitFor, within } from "./support/wait.mjs";

let server;
const cleanup = [];
before(async () => (server = await startServer()));
after(async () => {
  for (const step of cleanup.reverse()) await step();
  await server?.stop();
});

async function connect(serverUrl, options = {}) {
  const client = new LiveSyncClient({ serverUrl, protocol: "json", reconnectPolicy: new LiveSyncRetryPolicy(50, 300), ...options });
  cleanup.push(() => client.disconnect());
  await within(client.connect(), 10_000, "connect");
  return client;
}

async function proxy() {
  const p = await startProxy(server.port);
  cleanup.push(() => p.close());
  return p;
}

async function serverOps(docId) {
  const response = await fetch(`${server.url}/api/docs/${encodeURIComponent(docId)}/ops?from=1`);
  return response.json();
}

test("a change whose reply was lost is confirmed after the reconnect, not applied twice", async () => {
  const p = await proxy();
  const a = await connect(p.url);
  const b = await connect(server.url);
  const da = await a.open("lost-reply", { createType: "text", createData: "ab" });
  await da.whenSettled();
  const db = await b.open("lost-reply");
  const states = [];
  a.on("state", (event) => states.push(event.state));

  p.holdReplies(true);
  const confirmed = da.insert(2, "c");
  await within(db.waitForVersion(2), 10_000, "the server to store it");
  p.holdReplies(false);
  p.cut();

  assert.equal(await within(confirmed, 10_000, "the confirmation"), 2);
  await within(da.insert(3, "d"));
  await within(db.waitForVersion(3));
  assert.equal(da.text, "abcd");
  assert.equal(db.text, "abcd");
  const mine = (await serverOps("lost-reply")).filter((op) => op.clientId === a.clientId);
  assert.deepEqual(mine.map((op) => op.seq), [1, 2, 3], "one op per seq");
  assert.deepEqual(states.slice(0, 2), ["reconnecting", "connected"]);
});

test("a change in flight when the connection breaks is resubmitted with the same seq", async () => {
  const p = await proxy();
  const a = await connect(p.url);
  const da = await a.open("in-flight", { createType: "text", createData: "" });
  await da.whenSettled();

  // Send, then break at once: the server may or may not have it; either way it must end up there exactly once.
  const confirmed = da.insert(0, "x");
  p.setOffline(true);
  await waitFor(() => a.state === "reconnecting", { what: "reconnecting" });
  p.setOffline(false);
  assert.equal(await within(confirmed, 10_000, "the confirmation"), 2);
  const ops = await serverOps("in-flight");
  assert.deepEqual(ops.map((op) => [op.seq, op.op ?? "create"]), [[1, "create"], [2, ["x"]]]);
});

test("edits made offline are kept, rebased over the others' edits and sent on reconnect", async () => {
  const p = await proxy();
  const a = await connect(p.url);
  const b = await connect(server.url);
  const da = await a.open("offline", { createType: "text", createData: "middle" });
  await da.whenSettled();
  const db = await b.open("offline");

  p.setOffline(true);
  await waitFor(() => a.state === "reconnecting", { what: "reconnecting" });
  void da.insert(0, "[a1]");
  void da.insert([...da.text].length, "[a2]");
  void db.insert(0, "<b1>");
  await within(db.whenSettled());
  assert.equal(da.text, "[a1]middle[a2]");
  assert.equal(da.hasUnconfirmedChanges, true);

  p.setOffline(false);
  await waitFor(() => a.state === "connected", { what: "connected again" });
  await within(da.whenSettled(), 10_000, "the offline edits to be confirmed");
  await within(db.waitForVersion(da.version));
  assert.equal(da.text, db.text);
  for (const part of ["[a1]", "[a2]", "<b1>", "middle"]) assert.ok(da.text.includes(part), `${part} in ${da.text}`);
});

test("the client id is kept across reconnects and presence is sent again", async () => {
  const p = await proxy();
  const a = await connect(p.url, { clientId: "keep-me-1" });
  const b = await connect(server.url);
  const da = await a.open("keep-id", { createType: "text" });
  const db = await b.open("keep-id");
  await da.setPresence({ caret: 0 });
  await waitFor(() => db.presence.has("keep-me-1"), { what: "presence" });

  p.cut();
  await waitFor(() => !db.presence.has("keep-me-1"), { what: "presence cleared when the connection ended" });
  await waitFor(() => db.presence.has("keep-me-1"), { what: "presence sent again after the reconnect" });
  assert.equal(a.clientId, "keep-me-1");
});

for (const transport of ["serverSentEvents", "longPolling"]) {
  test(`the SDK works over ${transport}`, async () => {
    const a = await connect(server.url, { transports: [transport] });
    const b = await connect(server.url, { transports: [transport] });
    const da = await a.open(`sdk-${transport}`, { createType: "text", createData: "x" });
    const db = await b.open(`sdk-${transport}`);
    await within(da.insert(1, "y"));
    await within(db.waitForVersion(2));
    assert.equal(db.text, "xy");
  });
}

test("protocol auto connects with MessagePack when the server speaks it, JSON otherwise", async (t) => {
  const a = await connect(server.url, { protocol: "auto" });
  t.diagnostic(`auto chose ${a.protocol}`);
  assert.ok(a.protocol === "messagepack" || a.protocol === "json");
  const doc = await a.open("auto-protocol", { createType: "text", createData: "ok" });
  assert.equal(await within(doc.insert(2, "!")), 2);
});

test("a bad client id and opening before connecting are refused", async () => {
  assert.throws(() => new LiveSyncClient({ serverUrl: server.url, clientId: "short" }), RangeError);
  const idle = new LiveSyncClient({ serverUrl: server.url });
  await assert.rejects(idle.open("x"), /connect\(\)/);
  assert.equal(idle.state, "disconnected");
});

test("a failed first connect rejects and leaves the client disconnected", async () => {
  const p = await proxy();
  p.setOffline(true);
  const client = new LiveSyncClient({ serverUrl: p.url, protocol: "json" });
  await assert.rejects(within(client.connect(), 10_000, "the failed connect"));
  assert.equal(client.state, "disconnected");
});
