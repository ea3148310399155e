/**
 * The builtin registry: the explicit list of portable builtins (no endpoint, network or
 * database; registration is this list, never a side effect of importing) and createRegistry(),
 * which indexes builtins by kind and name. Duplicate names of the same kind throw at startup; a
 * function and a plugin may share a name (`if`, `items`, `scope`). Server and agent registries
 * extend the list: createRegistry([...portableBuiltins, ...theirs]).
 */
import type { Builtin, FunctionBuiltin, PluginBuiltin } from "./types";
import { rangePlugin } from "./core/range";
import { scopeFunction, scopePlugin } from "./core/scope";
import { foreachPlugin } from "./control/foreach";
import { sigmaLogSourcesFunction, sigmaPlugin } from "./sigma/sigma";
import { ifFunction, ifPlugin } from "./control/if";
import { chainPlugin, combinePlugin, switchPlugin } from "./control/chain";
import { flattenPlugin } from "./control/flatten";
import { columnFilterPlugin, queryPlugin } from "./control/query";
import { dictFunction, itemsFunction, itemsPlugin, lazyDictFunction, toDictFunction } from "./data/dict";
import { arrayFunction, lenFunction, sliceFunction } from "./data/array";
import { getFunction, setFunction } from "./data/get-set";
import { allFunction, anyFunction, filterFunction } from "./data/filter";
import { basenameFunction, dirnameFunction, pathJoinFunction, pathSplitFunction } from "./data/paths";
import { parseCsvPlugin, parseLinesPlugin } from "./data/parsers";
import { formatFunction, strFunction } from "./text/format";
import { lowcaseFunction, stripFunction, substrFunction, upcaseFunction } from "./text/case";
import { joinFunction, splitFunction } from "./text/split-join";
import { parseStringWithRegexFunction, regexReplaceFunction, regexTransformFunction } from "./text/regex";
import { atoiFunction, intFunction, parseFloatFunction } from "./text/numbers";
import {
  base64decodeFunction,
  base64encodeFunction,
  encodeFunction,
  rot13Function,
  unhexFunction,
  utf16EncodeFunction,
  utf16Function,
  xorFunction,
} from "./text/encoding";
import { parseJsonArrayFunction, parseJsonArrayPlugin, parseJsonFunction } from "./text/json";
import { serializeFunction } from "./text/serialize";
import { humanizeFunction } from "./text/humanize";
import { hashFunction } from "./text/hash";
import { countFunction, enumerateFunction, maxFunction, minFunction, rateFunction, sumFunction } from "./aggregates";
import { nowFunction, timestampFormatFunction, timestampFunction } from "./time/timestamp";
import { sleepFunction } from "./time/sleep";
import { logFunction } from "./misc/log";
import { evalFunction, typeofFunction, uuidFunction } from "./misc/eval";
import { cacheFunction, memoizeFunction } from "./misc/cache";
import { clockPlugin } from "./events/clock";
import { diffPlugin } from "./events/diff";
import { fifoPlugin } from "./events/fifo";
import { generateFunction } from "./events/generate";
import { delayPlugin } from "./events/delay";
import { alertFunction } from "./events/alert";
import { sequencePlugin } from "./events/sequence";
import { versionFunction } from "./misc/version";
import { mockCheckFunction, mockClearFunction, mockFunction, mockReplayFunction } from "./misc/mock";
import { randFunction } from "./misc/rand";
import { lruFunction } from "./misc/lru";
import { semverFunction } from "./misc/semver";
import { entropyFunction } from "./text/entropy";
import { gunzipFunction } from "./text/gunzip";
import { commandlineSplitFunction } from "./text/commandline";
import { parseJsonlPlugin } from "./text/json-lines";
import { cidrContainsFunction, ipFunction } from "./net/ip";
import { urlFunction } from "./net/url";
import { relpathFunction } from "./data/paths";
import { parseRecordsWithRegexPlugin, splitRecordsPlugin } from "./data/record-parsers";
import { parseXmlFunction, parseYamlFunction } from "./data/documents";
import { batchPlugin, dedupPlugin, samplePlugin } from "./control/batch";
import { pathspecFunction } from "./data/pathspec";
import { grokFunction } from "./text/grok";
import { templateFunction } from "./misc/template";
import { base85decodeFunction, cryptoRc4Function } from "./text/ciphers";
import { similarityFunction } from "./data/similarity";
import { patchFunction } from "./data/patch";
import { plistFunction, plistPlugin } from "./data/plist";
import { parseBinaryFunction } from "./data/binary/parse-binary";

export interface Registry {
  readonly functions: ReadonlyMap<string, FunctionBuiltin>;
  readonly plugins: ReadonlyMap<string, PluginBuiltin>;
  /** Every builtin in registration order. */
  readonly all: readonly Builtin[];
  /** Names of builtins that run only elsewhere (the agent's, for the server), for "not found" hints. */
  readonly elsewhere?: ElsewhereBuiltins;
}

export interface ElsewhereBuiltins {
  /** Where they run, as the hint says it: "endpoints". */
  where: string;
  /** How to run them from here, appended to the hint. */
  howToRun: string;
  plugins: ReadonlySet<string>;
  functions: ReadonlySet<string>;
}

export function createRegistry(builtins: readonly Builtin[], opts: { elsewhere?: ElsewhereBuiltins } = {}): Registry {
  const functions = new Map<string, FunctionBuiltin>();
  const plugins = new Map<string, PluginBuiltin>();
  for (const b of builtins) {
    const table: Map<string, Builtin> = b.kind === "function" ? functions : plugins;
    if (table.has(b.name)) throw new Error(`duplicate VQL ${b.kind} \`${b.name}\``);
    table.set(b.name, b);
  }
  const r: Registry = { functions, plugins, all: builtins.slice() };
  if (!opts.elsewhere) return r;
  const elsewhere: ElsewhereBuiltins = {
    ...opts.elsewhere,
    plugins: new Set([...opts.elsewhere.plugins].filter((n) => !plugins.has(n))),
    functions: new Set([...opts.elsewhere.functions].filter((n) => !functions.has(n))),
  };
  return { ...r, elsewhere };
}

export const portableBuiltins: readonly Builtin[] = [
  // plugins
  rangePlugin,
  scopePlugin,
  foreachPlugin,
  sigmaPlugin,
  ifPlugin,
  chainPlugin,
  combinePlugin,
  switchPlugin,
  flattenPlugin,
  queryPlugin,
  columnFilterPlugin,
  itemsPlugin,
  parseJsonArrayPlugin,
  parseCsvPlugin,
  parseLinesPlugin,
  parseJsonlPlugin,
  splitRecordsPlugin,
  parseRecordsWithRegexPlugin,
  plistPlugin,
  batchPlugin,
  dedupPlugin,
  samplePlugin,
  // event plugins
  clockPlugin,
  diffPlugin,
  fifoPlugin,
  delayPlugin,
  sequencePlugin,
  // functions: core and data
  scopeFunction,
  generateFunction,
  sigmaLogSourcesFunction,
  ifFunction,
  dictFunction,
  lazyDictFunction,
  toDictFunction,
  itemsFunction,
  arrayFunction,
  lenFunction,
  sliceFunction,
  getFunction,
  setFunction,
  filterFunction,
  allFunction,
  anyFunction,
  evalFunction,
  typeofFunction,
  uuidFunction,
  logFunction,
  alertFunction,
  sleepFunction,
  cacheFunction,
  memoizeFunction,
  versionFunction,
  mockFunction,
  mockCheckFunction,
  mockClearFunction,
  mockReplayFunction,
  randFunction,
  lruFunction,
  semverFunction,
  templateFunction,
  similarityFunction,
  patchFunction,
  // strings and encodings
  formatFunction,
  strFunction,
  lowcaseFunction,
  upcaseFunction,
  stripFunction,
  substrFunction,
  splitFunction,
  joinFunction,
  regexReplaceFunction,
  regexTransformFunction,
  parseStringWithRegexFunction,
  intFunction,
  atoiFunction,
  parseFloatFunction,
  base64encodeFunction,
  base64decodeFunction,
  encodeFunction,
  unhexFunction,
  xorFunction,
  rot13Function,
  utf16Function,
  utf16EncodeFunction,
  parseJsonFunction,
  parseJsonArrayFunction,
  serializeFunction,
  humanizeFunction,
  hashFunction,
  basenameFunction,
  dirnameFunction,
  pathJoinFunction,
  pathSplitFunction,
  relpathFunction,
  pathspecFunction,
  entropyFunction,
  gunzipFunction,
  cryptoRc4Function,
  base85decodeFunction,
  commandlineSplitFunction,
  grokFunction,
  parseYamlFunction,
  parseXmlFunction,
  plistFunction,
  parseBinaryFunction,
  ipFunction,
  cidrContainsFunction,
  urlFunction,
  // aggregates
  countFunction,
  sumFunction,
  minFunction,
  maxFunction,
  enumerateFunction,
  rateFunction,
  // time
  nowFunction,
  timestampFunction,
  timestampFormatFunction,
];
