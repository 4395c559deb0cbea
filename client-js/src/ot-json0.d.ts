// ot-json0 ships no type declarations; this is the part the SDK uses.
declare module "ot-json0" {
  interface Json0Type {
    name: string;
    create(data?: unknown): unknown;
    apply(snapshot: unknown, op: unknown): unknown;
    transform(op: unknown, other: unknown, side: "left" | "right"): unknown;
    compose(a: unknown, b: unknown): unknown;
    normalize(op: unknown): unknown;
  }

  const json0: { type: Json0Type };
  export default json0;
}
