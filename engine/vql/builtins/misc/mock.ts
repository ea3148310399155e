/**
 * mock(), mock_check(), mock_replay() and mock_clear(), after Velociraptor's
 * vql/remapping/mocker.go: a plugin, function or `Artifact.X` replaced for the rest of the run
 * by canned results (BuiltinContext.override), so an artifact can be tested with its host
 * plugins mocked. `results` is shaped as Velociraptor shapes it: a list whose first item is a
 * list gives one item per call (calls cycle through them), any other list is the rows (or the
 * value) of every call, a single value is a one-item list. Plugin mocks record each call's
 * arguments (mock_replay) and all mocks count calls (mock_check). Velociraptor allows mocks only
 * in its golden test runner ("Not running in test"); here any run may mock, for itself only.
 */
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { defineFunction, definePlugin } from "../define";
import type { BuiltinContext, PluginBuiltin } from "../types";

/** One mocked builtin's state: its results per call, calls so far, recorded arguments. */
interface MockState {
  results: unknown[];
  calls: number;
  recordings: OrderedDict[];
}

interface MockTable {
  plugins: Map<string, MockState>;
  functions: Map<string, MockState>;
}

const MOCKS = Symbol("mock() table");

function mocksOf(ctx: BuiltinContext): MockTable {
  return ctx.runShared(MOCKS, () => ({ plugins: new Map(), functions: new Map() }));
}

/** Velociraptor's shaping of `results` into one entry per call; undefined when it is empty or NULL. */
export function resultsPerCall(results: unknown): unknown[] | undefined {
  if (results === null || results === undefined) return undefined;
  if (!Array.isArray(results)) return [results];
  if (results.length === 0) return undefined;
  return Array.isArray(results[0]) ? results.slice() : [results.slice()];
}

/** The entry for the next call (cycling), counting the call; undefined when there are none. */
function nextResult(m: MockState): { value: unknown } | undefined {
  if (m.results.length === 0) return undefined;
  const value = m.results[m.calls % m.results.length];
  m.calls++;
  return { value };
}

function mockPlugin(name: string, m: MockState): PluginBuiltin {
  return definePlugin({
    name,
    doc: `A mock of ${name} (mock()).`,
    category: "developer",
    args: {},
    rest: arg.any(),
    *run(_args, _ctx, rest) {
      const r = nextResult(m);
      if (!r) return;
      m.recordings.push(new OrderedDict(rest));
      if (Array.isArray(r.value)) yield* r.value;
      else yield r.value;
    },
  });
}

function artifactName(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v.startsWith("Artifact.") ? v : `Artifact.${v}`;
  const p = v as PluginBuiltin | null;
  if (p && typeof p === "object" && p.kind === "plugin" && typeof p.name === "string" && p.name.startsWith("Artifact.")) return p.name;
  return undefined;
}

export const mockFunction = defineFunction({
  name: "mock",
  category: "developer",
  doc: "Mock a plugin, function or artifact for the rest of this query run: later calls give `results` instead (a list of lists: one list per call, cycling; any other list: the rows of every call).",
  args: {
    plugin: arg.string().doc("The plugin to mock."),
    function: arg.string().doc("The function to mock."),
    artifact: arg.any().doc("The artifact to mock: `Artifact.Name` (or its name as a string)."),
    results: arg.lazy().required().doc("The result to return (a stored query is expanded into its rows)."),
  },
  async run({ plugin, function: fn, artifact, results }, ctx) {
    const perCall = resultsPerCall(await ctx.materialize(await results.value()));
    if (!perCall) {
      ctx.log("ERROR", "mock: results should be a list");
      return null;
    }
    const table = mocksOf(ctx);
    if (plugin) {
      let m = table.plugins.get(plugin);
      if (!m) table.plugins.set(plugin, (m = { results: [], calls: 0, recordings: [] }));
      m.results = perCall;
      ctx.override("plugin", plugin, mockPlugin(plugin, m));
    } else if (fn) {
      let m = table.functions.get(fn);
      if (!m) table.functions.set(fn, (m = { results: [], calls: 0, recordings: [] }));
      m.results = perCall;
      const state = m;
      ctx.override(
        "function",
        fn,
        defineFunction({ name: fn, doc: `A mock of ${fn}() (mock()).`, category: "developer", args: {}, rest: arg.any(), run: () => nextResult(state)?.value ?? null }),
      );
    } else if (artifact !== undefined && artifact !== null) {
      const name = artifactName(artifact);
      if (!name) {
        ctx.log("ERROR", `mock: artifact parameter should be an artifact not ${typeof artifact}`);
        return null;
      }
      // Velociraptor's artifact mocks start counting again and are not checked by mock_check().
      ctx.override("plugin", name, mockPlugin(name, { results: perCall, calls: 0, recordings: [] }));
    } else {
      ctx.log("ERROR", "mock: either plugin or artifact should be specified");
    }
    return null;
  },
});

const checkArgs = {
  plugin: arg.string().doc("The plugin to mock."),
  function: arg.string().doc("The function to mock."),
  expected_calls: arg.int().doc("How many times plugin should be called."),
  clear: arg.bool().doc("This call will clear previous mocks for this plugin (accepted; Velociraptor ignores it too)."),
};

function findMock(ctx: BuiltinContext, who: string, plugin: string | undefined, fn: string | undefined): MockState | undefined {
  const table = mocksOf(ctx);
  const name = plugin || fn || "";
  const m = plugin ? table.plugins.get(plugin) : table.functions.get(name);
  if (!m) ctx.log("ERROR", `${who}: ${name} does not appear to be mocked`);
  return m;
}

export const mockCheckFunction = defineFunction({
  name: "mock_check",
  category: "developer",
  doc: "Check expectations on a mock: dict(Error='OK') when the plugin or function was called `expected_calls` times since it was mocked or last checked (the count then starts again), else dict(Error=<what differs>).",
  args: checkArgs,
  run({ plugin, function: fn, expected_calls, clear }, ctx) {
    void clear;
    const expected = expected_calls ?? 0;
    for (const [kind, name] of [
      ["plugin", plugin],
      ["function", fn],
    ] as const) {
      if (!name) continue;
      const m = findMock(ctx, "mock_check", kind === "plugin" ? name : undefined, kind === "function" ? name : undefined);
      if (!m) return null;
      if (m.calls !== expected) {
        return new OrderedDict([["Error", `Mock ${kind} ${name} should be called ${expected} times but was called ${m.calls} times`]]);
      }
      m.calls = 0;
    }
    return new OrderedDict([["Error", "OK"]]);
  },
});

export const mockReplayFunction = defineFunction({
  name: "mock_replay",
  category: "developer",
  doc: "Replay recorded calls on a mock: the arguments of each call of a mocked plugin, as a list of dicts (NULL before the first call; functions record none).",
  args: checkArgs,
  run({ plugin, function: fn, expected_calls, clear }, ctx) {
    void expected_calls;
    void clear;
    if (!plugin && !fn) return null;
    const m = findMock(ctx, "mock_replay", plugin || undefined, plugin ? undefined : fn);
    if (!m || m.recordings.length === 0) return null;
    return m.recordings.slice();
  },
});

export const mockClearFunction = defineFunction({
  name: "mock_clear",
  category: "developer",
  doc: "Resets all mocks: call counts start again, and mocked plugins forget their recorded calls and results (they give no rows until mocked again).",
  args: {},
  run(_args, ctx) {
    const table = mocksOf(ctx);
    for (const m of table.plugins.values()) {
      m.calls = 0;
      m.recordings = [];
      m.results = [];
    }
    for (const m of table.functions.values()) m.calls = 0;
    return null;
  },
});
