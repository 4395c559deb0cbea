import { type as textUnicode } from "ot-text-unicode";
import json0 from "ot-json0";
import { LiveSyncError } from "./LiveSyncError.js";
import { ErrorCodes, type JsonValue } from "./wire.js";

/**
 * An OT type the SDK applies and transforms locally, in the shape the OT libraries share. Snapshots and ops are
 * plain JSON values in the wire format. Every method is pure: an input is never changed.
 */
export interface OtType {
  /** The wire name: `text` or `json`. */
  readonly name: string;
  /** The snapshot a create with `data` makes. @throws LiveSyncError `invalid_op` when the data does not suit the type. */
  create(data: JsonValue | undefined): JsonValue;
  /** `snapshot` with `op` applied. @throws LiveSyncError `invalid_op` when the op does not fit. */
  apply(snapshot: JsonValue, op: JsonValue): JsonValue;
  /** `op` moved past `other` (both made on the same version); `side` breaks ties as the contract says. */
  transform(op: JsonValue, other: JsonValue, side: "left" | "right"): JsonValue;
  /** One op with the effect of `a` then `b`. */
  compose(a: JsonValue, b: JsonValue): JsonValue;
  /** True when the op changes nothing. */
  isNoop(op: JsonValue): boolean;
  /** Where `position` (a text position, in code points) is after `op`; only `text` has it. */
  transformPosition?(position: number, op: JsonValue): number;
}

function invalidOp(error: unknown): LiveSyncError {
  return new LiveSyncError(ErrorCodes.invalidOp, error instanceof Error ? error.message : String(error), { cause: error });
}

/** `text`: a string; ops exactly as ot-text-unicode's, positions in code points. */
export const textType: OtType = {
  name: "text",
  create(data) {
    if (data === undefined || data === null) {
      return "";
    }

    if (typeof data !== "string") {
      throw new LiveSyncError(ErrorCodes.invalidOp, "text data must be a string");
    }

    return data;
  },
  apply(snapshot, op) {
    try {
      textUnicode.checkOp(op as never);
      return textUnicode.apply(snapshot as string, op as never);
    } catch (error) {
      throw invalidOp(error);
    }
  },
  transform: (op, other, side) => textUnicode.transform(op as never, other as never, side) as JsonValue,
  compose: (a, b) => textUnicode.compose(a as never, b as never) as JsonValue,
  isNoop: (op) => textUnicode.normalize(op as never).length === 0,
  transformPosition: (position, op) => textUnicode.transformPosition(position, op as never),
};

const json0Type = json0.type;

/** `json`: any JSON value; ops exactly as ot-json0's. */
export const jsonType: OtType = {
  name: "json",
  create: (data) => (data === undefined ? null : structuredClone(data)),
  apply(snapshot, op) {
    try {
      // ot-json0 edits its snapshot in place: give it a copy, so a failure leaves ours as it was.
      return json0Type.apply(structuredClone(snapshot), structuredClone(op)) as JsonValue;
    } catch (error) {
      throw invalidOp(error);
    }
  },
  transform: (op, other, side) => json0Type.transform(structuredClone(op), structuredClone(other), side) as JsonValue,
  compose: (a, b) => json0Type.compose(structuredClone(a), structuredClone(b)) as JsonValue,
  isNoop: (op) => Array.isArray(op) && op.length === 0,
};

const types: ReadonlyMap<string, OtType> = new Map([
  [textType.name, textType],
  [jsonType.name, jsonType],
]);

/** The OT type named `name`, or undefined for `opaque` and any type the SDK does not apply itself. */
export function findOtType(name: string | null | undefined): OtType | undefined {
  return name ? types.get(name) : undefined;
}
