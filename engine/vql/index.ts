/**
 * The public surface of engine/vql (re-exports only): the parser half (parse, printing,
 * positions, diagnostics) and the evaluator half (runVql, builtins registry, values).
 */
export * from "./parser/index";

// Evaluation
export { runVql, runVqlChunks, type RunOptions, type VqlEvent, type VqlChunk } from "./eval/run";

// Builtins
export { arg, ArgSpec, type ArgKind, type ArgSchema, type InferArgs } from "./builtins/arg";
export { definePlugin, defineFunction } from "./builtins/define";
export { createRegistry, portableBuiltins, type Registry, type ElsewhereBuiltins } from "./builtins/registry";
export { describeBuiltins, describeBuiltin, type BuiltinDescriptor, type ArgDescriptor } from "./builtins/describe";
export { PluginStream } from "./builtins/stream-base";
export { abortable, untilAborted } from "./builtins/abortable";
export type {
  Builtin,
  BuiltinContext,
  RunAs,
  FileAccess,
  FunctionBuiltin,
  PluginBuiltin,
  PluginLike,
  LazyArg,
  QueryArg,
  LogLevel,
  Platform,
} from "./builtins/types";

// Values
export { OrderedDict, isDictLike, dictKeys, dictGet, type Row } from "./values/ordered-dict";
export { ProtoDict } from "./values/proto-dict";
export { configValue, type ConfigFacts } from "./config-value";
export { Timestamp } from "./values/timestamp";
export { Bytes, bytesOf, fromBytes } from "./values/bytes";
export { toJsonText, rowToJson, toJsonValue } from "./values/json";
export { toVqlString } from "./values/stringify";
export { QueryValue, LazyValue, END, ROW_STREAM, type RowStream, type MaybePromise } from "./values/query";
export { toTimestamp } from "./builtins/time/timestamp";
export { hashSelection, hashLimit, hashedLength, hashResult } from "./builtins/text/hash";
export { abortableDelay } from "./builtins/time/sleep";
export { toWire, fromWire, rowsToWire, rowsFromWire, type Wire, type WireRows } from "./values/transfer";
export { DEFAULT_LIMITS, setValueLimits, valueLimits, VqlLimitError, type VqlLimits, type LimitHints } from "./values/limits";
export { compileRegex, isRegexError, type CompiledRegex } from "./regex/compile";
