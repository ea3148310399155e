// The YARA scanning thread (worker_threads) behind yara-scanner.ts: one libyara-wasm module,
// one scan at a time. Plain JavaScript so it needs no TypeScript loader. It answers each
// {id, data, rules} with the compile errors and matched rules as plain data, freeing every
// Emscripten object it was given.
import { parentPort } from "node:worker_threads";
import initYara from "libyara-wasm";

const yara = await initYara();

function list(v) {
  try {
    return Array.from({ length: v.size() }, (_, i) => v.get(i));
  } finally {
    v.delete();
  }
}

parentPort.on("message", (m) => {
  let result;
  try {
    result = yara.run(new Uint8Array(m.data), m.rules);
    const errors = list(result.compileErrors).map((e) => ({ line: e.lineNumber, message: e.message, warning: e.warning }));
    const rules = list(result.matchedRules).map((r) => ({
      name: r.ruleName,
      meta: list(r.metadata).map((x) => [x.identifier, x.data]),
      matches: list(r.resolvedMatches).map((x) => ({ id: x.stringIdentifier, location: x.location, length: x.matchLength })),
    }));
    parentPort.postMessage({ id: m.id, errors, rules });
  } catch (err) {
    parentPort.postMessage({ id: m.id, fail: String(err?.message ?? err) });
  } finally {
    result?.delete();
  }
});
parentPort.postMessage({ ready: true });
