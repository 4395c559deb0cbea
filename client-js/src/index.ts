// The LiveSync JavaScript SDK: the only public entry point.
export { LiveSyncClient, newClientId } from "./LiveSyncClient.js";
export type {
  LiveSyncClientEvents,
  LiveSyncClientOptions,
  LiveSyncConnectionState,
  LiveSyncOpenOptions,
  LiveSyncProtocol,
  LiveSyncTransport,
  StateChangeEvent,
} from "./LiveSyncClient.js";
export { LiveSyncDocument } from "./LiveSyncDocument.js";
export type { ChangeEvent, LiveSyncDocumentEvents, OpEvent, PresenceEvent } from "./LiveSyncDocument.js";
export { LiveSyncError } from "./LiveSyncError.js";
export { LiveSyncRetryPolicy } from "./LiveSyncRetryPolicy.js";
export { bindTextarea, diff } from "./bindTextarea.js";
export type { TextBinding, TextField } from "./bindTextarea.js";
export { codePointLength, toCodePoints, toUtf16 } from "./codePoints.js";
export { findOtType, jsonType, textType } from "./otTypes.js";
export type { OtType } from "./otTypes.js";
export { ErrorCodes, HubMethods, ClientMethods, HubPath } from "./wire.js";
export type { CreateSpec, DocumentType, ErrorCode, JsonValue, OpenResult, SequencedOp, Snapshot, Submission } from "./wire.js";
