// The server's transports and hub protocols, proven with the official SignalR client alone (no SDK): over
// WebSockets, Server-Sent Events and long polling, with the json and the messagepack hub protocol, a client opens a
// document, submits, receives the `op` broadcast and gets an error as "code: explanation".
import { HttpTransportType, HubConnectionBuilder, JsonHubProtocol, LogLevel } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer } from "./support/server.mjs";
import { within } from "./support/wait.mjs";

let server;
before(async () => (server = await startServer()));
after(() => server?.stop());

const transports = {
  WebSockets: HttpTransportType.WebSockets,
  ServerSentEvents: HttpTransportType.ServerSentEvents,
  LongPolling: HttpTransportType.LongPolling,
};

const protocols = {
  json: () => new JsonHubProtocol(),
  messagepack: () => new MessagePackHubProtocol(),
};

describe("the official SignalR client", () => {
  for (const [protocolName, protocol] of Object.entries(protocols))
  for (const [name, transport] of Object.entries(transports)) {
    // Server-Sent Events carry text only, so SignalR offers no binary protocol over them.
    if (protocolName === "messagepack" && transport === HttpTransportType.ServerSentEvents) continue;
    test(`${protocolName} over ${name}: open, submit, op broadcast, error code`, async () => {
      const clientId = `raw-${protocolName}-${name}`;
      const docId = `transport:${protocolName}:${name}`;
      const connection = new HubConnectionBuilder()
        .withUrl(`${server.url}/hubs/livesync?clientId=${clientId}`, { transport })
        .withHubProtocol(protocol())
        .configureLogging(LogLevel.None)
        .build();
      const ops = [];
      let notify = () => {};
      connection.on("op", (id, op) => {
        ops.push([id, op]);
        notify();
      });
      await within(connection.start(), 10_000, "start");
      try {
        assert.deepEqual(await within(connection.invoke("WhoAmI")), { clientId });

        const opened = await within(connection.invoke("Open", docId, null));
        assert.equal(opened.v, 0);
        assert.equal(opened.type, null);

        const created = await within(connection.invoke("Submit", docId, { clientId, seq: 1, v: 0, create: { type: "text", data: "hi" } }));
        assert.deepEqual(created, { v: 1 });
        const edited = await within(connection.invoke("Submit", docId, { clientId, seq: 2, v: 1, op: [2, " there"] }));
        assert.deepEqual(edited, { v: 2 });

        await within(new Promise((resolve) => ((notify = () => ops.length >= 2 && resolve()), notify())), 10_000, "two op broadcasts");
        assert.equal(ops[0][0], docId);
        assert.equal(ops[0][1].v, 1);
        assert.deepEqual(ops[0][1].create, { type: "text", data: "hi" });
        assert.deepEqual([ops[1][1].v, ops[1][1].clientId, ops[1][1].seq], [2, clientId, 2]);
        assert.deepEqual(ops[1][1].op, [2, " there"]);
        assert.equal(typeof ops[1][1].ts, "number");

        // A seq that skips ahead, then an op that does not fit: each is "code: explanation".
        await assert.rejects(connection.invoke("Submit", docId, { clientId, seq: 4, v: 2, op: ["x"] }), /HubException: sequence_gap: /);
        await assert.rejects(connection.invoke("Submit", docId, { clientId, seq: 3, v: 2, op: [99, "x"] }), /HubException: invalid_op: /);
        // A rejected submission does not use up its seq.
        assert.deepEqual(await within(connection.invoke("Submit", docId, { clientId, seq: 3, v: 2, op: ["> "] })), { v: 3 });

        const snapshot = await within(connection.invoke("Snapshot", docId, null));
        assert.deepEqual(snapshot, { docId, type: "text", v: 3, data: "> hi there" });
        const fetched = await within(connection.invoke("Fetch", docId, 2, null));
        assert.deepEqual(fetched.map((op) => op.v), [2, 3]);
      } finally {
        await connection.stop();
      }
    });
  }
});
