// LiveSyncDocument against a real server on a loopback port: convergence, rejection and rollback, presence, gap
// fetches and the opaque type. JSON hub protocol.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LiveSyncClient, LiveSyncError } from "../dist/index.js";
import { startServer } from "./support/server.mjs";
import { nextEvent, waitFor, within } from "./support/wait.mjs";

let server;
const clients = [];
before(async () => (server = await startServer()));
after(async () => {
  await Promise.all(clients.map((client) => client.disconnect()));
  await server?.stop();
});

async function connect(options = {}) {
  const client = new LiveSyncClient({ serverUrl: server.url, protocol: "json", ...options });
  clients.push(client);
  await within(client.connect(), 10_000, "connect");
  return client;
}

async function serverSnapshot(docId) {
  const response = await fetch(`${server.url}/api/docs/${encodeURIComponent(docId)}`);
  return response.json();
}

function random(seed) {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

test("many concurrent clients converge on the server's text", async (t) => {
  const seed = Number(process.env.LIVESYNC_SEED ?? Date.now() % 100000);
  t.diagnostic(`seed ${seed}`);
  const rand = random(seed);
  const docs = [];
  for (let i = 0; i < 5; i++) {
    const client = await connect();
    docs.push(await client.open("converge", { createType: "text", createData: "start" }));
  }

  const words = ["a", "b", "😀", "é", " ", "xyz"];
  for (let round = 0; round < 12; round++) {
    for (const doc of docs) {
      const length = [...doc.text].length;
      if (length > 0 && rand(3) === 0) {
        const at = rand(length);
        void doc.delete(at, 1 + rand(Math.min(3, length - at)));
      } else {
        void doc.insert(rand(length + 1), words[rand(words.length)]);
      }
    }

    // Let replies and broadcasts interleave with the next round.
    await new Promise((resolve) => setImmediate(resolve));
  }

  await within(Promise.all(docs.map((doc) => doc.whenSettled(20_000))), 25_000, "every client to settle");
  const { v, data } = await serverSnapshot("converge");
  await within(Promise.all(docs.map((doc) => doc.waitForVersion(v, 10_000))), 15_000, `every client at version ${v}`);
  for (const doc of docs) {
    assert.equal(doc.version, v);
    assert.equal(doc.text, data, `seed ${seed}`);
  }
});

test("open creates a missing document once, whoever asks first", async () => {
  const [a, b] = [await connect(), await connect()];
  const [da, db] = await Promise.all([
    a.open("create-once", { createType: "text", createData: "from a" }),
    b.open("create-once", { createType: "text", createData: "from b" }),
  ]);
  await within(Promise.all([da.whenSettled(), db.whenSettled()]));
  await waitFor(() => da.version === 1 && db.version === 1, { what: "version 1 on both" });
  assert.equal(da.text, db.text);
  assert.equal((await serverSnapshot("create-once")).v, 1);
});

test("a rejected change rolls back, reloads, and its seq is used by the next change", async () => {
  const a = await connect();
  const doc = await a.open("rejected", { createType: "text", createData: "ab" });
  await doc.whenSettled();
  const errors = [];
  doc.on("error", (error) => errors.push(error));

  // Applies here (ot-text-unicode does not check deleted text), but the server sees "zz" is not there.
  const rejected = doc.submit([{ d: "zz" }]);
  assert.equal(doc.text, "");
  await assert.rejects(within(rejected), (error) => error instanceof LiveSyncError && error.code === "invalid_op");
  await waitFor(() => doc.text === "ab", { what: "the rollback" });
  assert.equal(errors[0]?.code, "invalid_op");

  assert.equal(await within(doc.insert(2, "c")), 2);
  assert.deepEqual(await serverSnapshot("rejected"), { docId: "rejected", type: "text", v: 2, data: "abc" });
});

test("errors carry the server's code", async () => {
  const a = await connect();
  await assert.rejects(a.open("not valid!"), (error) => error instanceof LiveSyncError && error.code === "invalid_doc_id");

  const doc = await a.open("codes");
  assert.throws(() => doc.insert(0, "x"), (error) => error instanceof LiveSyncError && error.code === "not_found");

  // Two clients create at once: one wins, the other is told already_exists and takes the winner's document.
  const b = await connect();
  const other = await b.open("codes");
  const results = await Promise.allSettled([doc.create("text", "one"), other.create("text", "two")]);
  const failures = results.filter((result) => result.status === "rejected");
  assert.equal(failures.length, 1);
  assert.equal(failures[0].reason.code, "already_exists");
  await waitFor(() => doc.version === 1 && other.version === 1 && doc.text === other.text, { what: "both on the winner" });
  assert.throws(() => doc.create("text"), (error) => error.code === "already_exists");
});

test("presence: set, seen by the others, cleared on close", async () => {
  const [a, b] = [await connect(), await connect()];
  const da = await a.open("presence", { createType: "text" });
  const db = await b.open("presence", { createType: "text" });

  const seen = nextEvent(db, "presence", { filter: (e) => e.clientId === a.clientId && e.presence !== null });
  await within(da.setPresence({ name: "Ana", caret: 3 }));
  assert.deepEqual((await seen).presence, { name: "Ana", caret: 3 });
  assert.deepEqual(db.presence.get(a.clientId), { name: "Ana", caret: 3 });
  assert.equal(da.presence.has(a.clientId), false, "a client does not list itself");

  // A late joiner gets the presence with the document.
  const c = await connect();
  const dc = await c.open("presence");
  assert.deepEqual(dc.presence.get(a.clientId), { name: "Ana", caret: 3 });

  const left = nextEvent(db, "presence", { filter: (e) => e.clientId === a.clientId });
  await da.close();
  assert.equal((await left).presence, null);
  assert.equal(db.presence.has(a.clientId), false);
});

test("dropped broadcasts are fetched, and ops apply in version order", async () => {
  const [a, b] = [await connect(), await connect()];
  const da = await a.open("gaps", { createType: "text" });
  const db = await b.open("gaps");

  // Drop every other `op` message to b, as a lossy broadcast path would.
  const connection = b["connection"];
  connection.off("op");
  connection.on("op", (docId, op) => {
    if (op.v % 2 === 1) db.receive(op);
  });
  const versions = [];
  db.on("change", (event) => versions.push(event.version));

  for (let i = 0; i < 8; i++) void da.insert(i, String(i));
  await within(da.whenSettled());
  await within(db.waitForVersion(da.version));
  assert.equal(db.text, "01234567");
  assert.deepEqual(versions, [...versions].sort((x, y) => x - y));
});

test("opaque documents relay any JSON op, untouched", async () => {
  const [a, b] = [await connect(), await connect()];
  const da = await a.open("opaque", { createType: "opaque" });
  const db = await b.open("opaque");
  assert.equal(db.type, "opaque");
  const received = nextEvent(db, "op");
  const update = { yjs: [1, 2, 3], note: "😀" };
  await within(da.submit(update));
  const event = await received;
  assert.deepEqual(event.op, update);
  assert.equal(event.local, false);
  assert.equal(event.clientId, a.clientId);
});
