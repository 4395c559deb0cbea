// Reference frames written by the official JavaScript client's MessagePack hub protocol
// (@microsoft/signalr-protocol-msgpack, over @msgpack/msgpack), checked byte for byte by JsClientVectorTests.
// The tests read js-client-vectors.json and never need node.
//
// To regenerate, in a scratch directory outside the repository:
//   npm install @microsoft/signalr @microsoft/signalr-protocol-msgpack
//   node <this file> > js-client-vectors.json      (run with that directory's node_modules resolvable, e.g. copy it there)
// and copy js-client-vectors.json back next to this file.
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { MessageType } from "@microsoft/signalr";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const protocolVersion = require("@microsoft/signalr-protocol-msgpack/package.json").version;
const msgpackVersion = require("@msgpack/msgpack/package.json").version;

const op = [3, "héllo👋", { d: 2 }];
const messages = {
  // What the JS client sends: no streamIds, so a 5-item array.
  submitInvocation: {
    type: MessageType.Invocation, headers: {}, invocationId: "1", target: "Submit",
    arguments: ["doc-1", { clientId: "client-1", seq: 1, v: 0, op }],
  },
  nonBlockingWithStreamIds: {
    type: MessageType.Invocation, target: "Send", arguments: [42, "Test Message"], streamIds: ["1"],
  },
  invocationWithHeaders: {
    type: MessageType.Invocation, headers: { x: "y", z: "z" }, invocationId: "xyz", target: "method", arguments: [42], streamIds: [],
  },
  // What the server sends for an op broadcast: the .NET protocol always writes the streamIds array.
  opBroadcast: {
    type: MessageType.Invocation, headers: {}, target: "op", streamIds: [],
    arguments: ["doc-1", { v: 4, clientId: "client-1", seq: 2, op, ts: 1700000000000 }],
  },
  boundaries: {
    type: MessageType.Invocation, headers: {}, target: "Numbers", streamIds: [],
    arguments: [[0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769,
      -2147483648, -2147483649, 1.5, -0.25, "x".repeat(31), "y".repeat(32), "z".repeat(256)]],
  },
  bigContainers: {
    type: MessageType.Invocation, headers: {}, target: "Big", streamIds: [],
    arguments: [Array.from({ length: 16 }, (_, i) => i), Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]))],
  },
  binary: {
    type: MessageType.Invocation, headers: {}, target: "Bytes", streamIds: [], arguments: [new Uint8Array([1, 2, 3])],
  },
  streamInvocation: {
    type: MessageType.StreamInvocation, headers: {}, invocationId: "xyz", target: "method", arguments: [42], streamIds: [],
  },
  streamItem: {
    type: MessageType.StreamItem, headers: {}, invocationId: "xyz", item: { a: [1, 2.5, -3, null, true, "s"] },
  },
  completionResult: {
    type: MessageType.Completion, headers: {}, invocationId: "1", result: { v: 5 },
  },
  completionError: {
    type: MessageType.Completion, headers: {}, invocationId: "xyz", error: "Error",
  },
  completionVoid: {
    type: MessageType.Completion, headers: {}, invocationId: "xyz",
  },
  cancelInvocation: { type: MessageType.CancelInvocation, headers: {}, invocationId: "xyz" },
  ping: { type: MessageType.Ping },
  close: { type: MessageType.Close },
  ack: { type: MessageType.Ack, sequenceId: 1394 },
  sequence: { type: MessageType.Sequence, sequenceId: 19 },
};

const protocol = new MessagePackHubProtocol();
const vectors = {};
for (const [name, message] of Object.entries(messages)) {
  vectors[name] = Buffer.from(protocol.writeMessage(message)).toString("hex");
}

process.stdout.write(JSON.stringify({
  generator: `@microsoft/signalr-protocol-msgpack ${protocolVersion}, @msgpack/msgpack ${msgpackVersion}`,
  vectors,
}, null, 2) + "\n");
