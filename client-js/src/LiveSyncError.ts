import { ErrorCodes } from "./wire.js";

const knownCodes: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

// SignalR wraps a HubException's message: "An unexpected error occurred invoking 'Submit' on the server.
// HubException: invalid_op: the op skips past the end". The server's part is "code: explanation".
const hubErrorPattern = /(?:HubException: )?([a-z_]+): ([\s\S]*)$/;

/**
 * A failure the server reported, with its stable `code` from the wire contract (`invalid_op`, `not_found`,
 * `sequence_gap`...), or one the SDK raises itself with the same codes.
 */
export class LiveSyncError extends Error {
  /** The error code, e.g. `invalid_op`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LiveSyncError";
    this.code = code;
  }

  /**
   * The `LiveSyncError` a failed hub call stands for, or the error unchanged when it carries no server code
   * (a broken connection, for instance).
   */
  static fromHubError(error: unknown): unknown {
    if (error instanceof LiveSyncError || !(error instanceof Error)) {
      return error;
    }

    const text = error.message;
    const at = text.lastIndexOf("HubException: ");
    const match = hubErrorPattern.exec(at >= 0 ? text.slice(at) : text);
    if (match && knownCodes.has(match[1]!) && (at >= 0 || text.startsWith(match[1]!))) {
      return new LiveSyncError(match[1]!, match[2]!, { cause: error });
    }

    return error;
  }
}
