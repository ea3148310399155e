// The agent-protocol fuzz corpus: the hand-written cases plus cases made by a seeded generator
// that mutates well-formed messages (a field gets a hostile value, is dropped, or an unknown one
// is added; the type is swapped; the text is cut), so the corpus is the same on every run and
// reviewed as a diff (corpus.json). Regenerate with
//   node --import tsx engine/protocol/testdata/fuzz/generate.ts --write
// Each case records whether it decodes under today's protocol schema (with its tokens expanded
// to well-formed values), so a schema change that starts accepting a hostile frame shows up.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeAgentMessage, LIMITS } from "../../index";
import { expandForSchema } from "./expand";
import { HAND_WRITTEN, type HandCase } from "./hand-written";

export interface FuzzCase extends HandCase {
  id: string;
  /** Whether the frame decodes under the protocol schema (tokens expanded to valid values). */
  decodes: boolean;
}

export interface Corpus {
  seed: number;
  cases: FuzzCase[];
}

export const SEED = 13;
export const GENERATED = 600;

/** mulberry32: a small, well-known seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Well-formed messages of every flow-data type (raw JSON values: tokens are expanded later).
const TEMPLATES: Record<string, Record<string, string>> = {
  rows: { type: '"rows"', seq: "{{SEQ}}", flowId: '"{{FLOW_OTHER}}"', artifact: '"Test.Rows"', columns: '["N","Text"]', rows: '[{"N":1,"Text":"zzfuzz"}]' },
  log: { type: '"log"', seq: "{{SEQ}}", flowId: '"{{FLOW_OTHER}}"', entries: '[{"time":1,"level":"INFO","message":"zzfuzz"}]' },
  "source-status": { type: '"source-status"', seq: "{{SEQ}}", flowId: '"{{FLOW_OTHER}}"', artifact: '"Test.Slow"', state: '"finished"', rows: "1", durationMs: "1" },
  "flow-status": { type: '"flow-status"', seq: "{{SEQ}}", flowId: '"{{FLOW_OTHER}}"', state: '"finished"', time: "1" },
  upload: { type: '"upload"', seq: "{{SEQ}}", flowId: '"{{FLOW_OTHER}}"', uploadId: '"U1"', name: '"zzfuzz"', offset: "0", data: '"enpmdXp6"' },
  events: { type: '"events"', seq: "{{SEQ}}", artifact: '"Zz.Fuzz"', columns: '["Text"]', rows: '[{"Text":"zzfuzz"}]' },
  "event-log": { type: '"event-log"', seq: "{{SEQ}}", entries: '[{"time":1,"level":"INFO","message":"zzfuzz","artifact":"Zz.Fuzz"}]' },
  alert: { type: '"alert"', seq: "{{SEQ}}", flowId: '"{{FLOW_OTHER}}"', artifact: '"Test.Slow"', alerts: '[{"time":1,"name":"zzfuzz","severity":"high","event_data":{"x":"zzfuzz"}}]' },
  heartbeat: { type: '"heartbeat"', time: "1" },
  hello: { type: '"hello"', version: "1", clientId: '"{{CLIENT_SELF}}"', publicKey: '"{{PUBKEY}}"', signature: '"{{SIG}}"', token: '"{{TOKEN}}"', agent: '{"name":"zzfuzz","version":"1"}', inFlight: "[]" },
};

const HOSTILE_VALUES = [
  "null", "true", "false", "0", "-1", "1.5", "-0", "1e308", "-1e308", "9007199254740993", "18446744073709551616",
  '""', '"zzfuzz"', '"{{NUL}}zzfuzz"', '"zzfuzz{{BIG:70000}}"', '"zzfuzz{{BIG:600000}}"', "[]", "{}", '["zzfuzz"]',
  '{"__proto__":{"zzfuzz":1}}', "{{DEEP:3000}}", '[{"Text":"zzfuzz{{NUL}}"}]', '[{"Deep":{{DEEP:5000}}}]',
  '"{{FLOW_OTHER}}"', '"{{CLIENT_OTHER}}"', '"F.0123456789ABC"', '"C.0123456789abcdef"', '"<script>zzfuzz</script>"',
  '"../../zzfuzz"', '"\\ud800zzfuzz"', '"zzfuzz\\u202e"', "[" + Array.from({ length: 50 }, () => "null").join(",") + "]",
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function render(fields: Record<string, string>): string {
  return "{" + Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",") + "}";
}

function mutate(r: () => number): HandCase {
  const kind = pick(r, Object.keys(TEMPLATES));
  const fields = { ...TEMPLATES[kind]! };
  const keys = Object.keys(fields);
  const steps = 1 + Math.floor(r() * 3);
  const did: string[] = [];
  for (let i = 0; i < steps; i++) {
    const op = r();
    const key = pick(r, keys);
    if (op < 0.6) {
      fields[key] = pick(r, HOSTILE_VALUES);
      did.push(`${key}=hostile`);
    } else if (op < 0.7) {
      delete fields[key];
      did.push(`-${key}`);
    } else if (op < 0.8) {
      fields[`zz${Math.floor(r() * 1000)}`] = pick(r, HOSTILE_VALUES);
      did.push("+unknown");
    } else if (op < 0.9) {
      fields.type = JSON.stringify(pick(r, [...Object.keys(TEMPLATES), "Rows", "rows ", "exec", ""]));
      did.push("type");
    } else {
      did.push("cut");
    }
  }
  let frame = render(fields);
  if (did.includes("cut")) frame = frame.slice(0, Math.floor(r() * frame.length));
  // Hellos go before a hello (a second one is refused anyway); flow data mostly after one.
  const phase = kind === "hello" || r() < 0.2 ? "before-hello" : "after-hello";
  return { name: `${kind}: ${did.join(", ")}`, phase, frame };
}

export function generateCorpus(seed = SEED, count = GENERATED): Corpus {
  const r = prng(seed);
  const made: HandCase[] = [...HAND_WRITTEN];
  for (let i = 0; i < count; i++) made.push(mutate(r));
  const cases = made.map((c, i) => ({ id: `${i < HAND_WRITTEN.length ? "h" : "g"}${String(i).padStart(4, "0")}`, ...c, decodes: !c.binary && decodeAgentMessage(expandForSchema(c.frame), LIMITS.maxMessageBytes).ok }));
  return { seed, cases };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain && process.argv.includes("--write")) {
  const out = fileURLToPath(new URL("./corpus.json", import.meta.url));
  writeFileSync(out, JSON.stringify(generateCorpus(), null, 1) + "\n");
  process.stdout.write(`wrote ${out}\n`);
}
