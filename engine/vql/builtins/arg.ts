/**
 * The argument schema builder (STYLE §5): `arg.string().required().doc("...")`. One declaration
 * drives coercion in the evaluator, descriptors for docs and completion, and lint. Holds shapes
 * only; coercion lives in coerce.ts.
 */
import type { OrderedDict } from "../values/ordered-dict";
import type { ByteString } from "../values/bytes";
import type { Timestamp } from "../values/timestamp";
import type { LazyArg, QueryArg } from "./types";

export type ArgKind = "string" | "int" | "float" | "bool" | "time" | "list" | "any" | "lazy" | "query" | "dict" | "bytes";

export class ArgSpec<T, R extends boolean = false> {
  isRequired = false;
  hasDefault = false;
  defaultValue: unknown = undefined;
  minValue: number | undefined = undefined;
  maxValue: number | undefined = undefined;
  docText = "";
  /** Phantom marker for type inference. */
  declare readonly _type: T;
  declare readonly _required: R;

  constructor(
    readonly kind: ArgKind,
    readonly item?: ArgSpec<unknown, boolean>,
  ) {}

  /** The call fails (logged, NULL / no rows) when this argument is missing. */
  required(): ArgSpec<T, true> {
    this.isRequired = true;
    return this as unknown as ArgSpec<T, true>;
  }

  /** Value used when the argument is not given (then run() always receives a value). */
  default(value: T): ArgSpec<T, true> {
    this.hasDefault = true;
    this.defaultValue = value;
    return this as unknown as ArgSpec<T, true>;
  }

  /** Smallest accepted number (int/float args). */
  min(n: number): this {
    this.minValue = n;
    return this;
  }

  /** Largest accepted number (int/float args). */
  max(n: number): this {
    this.maxValue = n;
    return this;
  }

  /** One-sentence description for docs, hover and completion. */
  doc(text: string): this {
    this.docText = text;
    return this;
  }

  /** Type name for descriptors: `string`, `int`, `list<string>`, ... */
  get typeName(): string {
    return this.kind === "list" ? `list<${this.item?.typeName ?? "any"}>` : this.kind;
  }
}

export type AnyArgSpec = ArgSpec<any, boolean>;
export type ArgSchema = Record<string, AnyArgSpec>;

/** The run() argument object inferred from a schema. */
export type InferArgs<A extends ArgSchema> = {
  [K in keyof A]: A[K] extends ArgSpec<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

export const arg = {
  /** Text. Numbers/bools render with %v, NULL is "", a one-element list is its element. */
  string: () => new ArgSpec<string>("string"),
  /** int64: floats truncate, bools are 0/1; strings and NULL are errors. */
  int: () => new ArgSpec<number>("int"),
  /** float64: ints and bools accepted. */
  float: () => new ArgSpec<number>("float"),
  /** Truthiness of any value. */
  bool: () => new ArgSpec<boolean>("bool"),
  /** A timestamp from a timestamp, epoch number or date string. */
  time: () => new ArgSpec<Timestamp>("time"),
  /** A list; a scalar is wrapped, elements coerced to the item type. */
  list: <T>(item: ArgSpec<T, boolean>) => new ArgSpec<T[]>("list", item as AnyArgSpec),
  /** Any value as is (stored queries stay queries; lazy values are forced). */
  any: () => new ArgSpec<unknown>("any"),
  /** Not evaluated before the call: run() forces it when needed (if() branches). */
  lazy: () => new ArgSpec<LazyArg>("lazy"),
  /** A row source: a query, a list (elements are rows), or a scalar (`{_value: v}`). */
  query: () => new ArgSpec<QueryArg>("query"),
  /** A dict (OrderedDict or plain object, given as an OrderedDict). */
  dict: () => new ArgSpec<OrderedDict>("dict"),
  /** A byte string (text or raw bytes); numbers render with %v. */
  bytes: () => new ArgSpec<ByteString>("bytes"),
};
