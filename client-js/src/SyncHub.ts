import type { JsonValue, OpenResult, SequencedOp, Submission } from "./wire.js";

/**
 * The hub calls a document makes, as its client provides them. Every call fails with a `LiveSyncError` carrying
 * the server's code when the server refused it, and with another error when the connection broke.
 */
export interface SyncHub {
  /** This client's id. */
  readonly clientId: string;
  /** True while the connection is up. */
  readonly isConnected: boolean;
  open(docId: string, since: number | null): Promise<OpenResult>;
  close(docId: string): Promise<void>;
  submit(docId: string, submission: Submission): Promise<{ v: number }>;
  fetch(docId: string, from: number, to: number | null): Promise<SequencedOp[]>;
  setPresence(docId: string, presence: JsonValue | null): Promise<void>;
}
