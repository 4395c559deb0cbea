// The LiveSync wire contract, version 1: the hub's names and the shapes of its messages. The one table of them
// in the SDK; the server's protocol page documents each in full.

/** The hub's path, appended to the server URL. */
export const HubPath = "/hubs/livesync";

/** The query parameter naming the connection's client id. */
export const ClientIdQuery = "clientId";

/** Hub methods, client to server. */
export const HubMethods = {
  open: "Open",
  close: "Close",
  submit: "Submit",
  fetch: "Fetch",
  snapshot: "Snapshot",
  setPresence: "SetPresence",
  whoAmI: "WhoAmI",
} as const;

/** Client methods, server to client. */
export const ClientMethods = {
  op: "op",
  presence: "presence",
} as const;

/** The most ops one `Fetch` returns. */
export const MaxFetch = 1000;

/** The server's error codes. */
export const ErrorCodes = {
  badRequest: "bad_request",
  invalidDocId: "invalid_doc_id",
  invalidOp: "invalid_op",
  notFound: "not_found",
  alreadyExists: "already_exists",
  versionAhead: "version_ahead",
  sequenceGap: "sequence_gap",
  historyUnavailable: "history_unavailable",
  tooLarge: "too_large",
  forbidden: "forbidden",
  rateLimited: "rate_limited",
  unavailable: "unavailable",
} as const;

/** One of the server's error codes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A document type's name: `text`, `json` or `opaque` (a server may know more). */
export type DocumentType = "text" | "json" | "opaque" | (string & {});

/** What a create carries. */
export interface CreateSpec {
  type: DocumentType;
  data?: JsonValue;
}

/** A change sent to the server: exactly one of `op`, `create` or `del`; `v` is the version it was made against. */
export interface Submission {
  clientId: string;
  seq: number;
  v: number;
  op?: JsonValue;
  create?: CreateSpec;
  del?: true;
}

/** An op as the server ordered it: `v` is the version it produced, `ts` the server time in ms since the epoch. */
export interface SequencedOp {
  v: number;
  clientId: string;
  seq: number;
  op?: JsonValue;
  create?: CreateSpec;
  del?: boolean;
  ts: number;
}

/** `Open`'s answer: the snapshot (`data`), or the ops since the version asked for (`ops`). */
export interface OpenResult {
  docId: string;
  type: DocumentType | null;
  v: number;
  data?: JsonValue;
  ops?: SequencedOp[] | null;
  presence?: Record<string, JsonValue> | null;
}

/** A document's state at one version. */
export interface Snapshot {
  docId: string;
  type: DocumentType | null;
  v: number;
  data: JsonValue;
}
