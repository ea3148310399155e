// The committed fuzz corpus is exactly what the seeded generator makes (regenerate with
// `node --import tsx engine/protocol/testdata/fuzz/generate.ts --write` and review the diff), and
// it is hostile: most frames fail the protocol schema, and the ones that pass are there on purpose.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeAgentMessage, LIMITS } from "../../index";
import { expandForSchema } from "./expand";
import { generateCorpus, type Corpus } from "./generate";

const committed = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8")) as Corpus;

describe("the agent-protocol fuzz corpus", () => {
  it("is the generator's output for its seed", () => {
    expect(committed).toEqual(generateCorpus(committed.seed));
  });

  it("is the same for the same seed and different for another", () => {
    expect(generateCorpus(7).cases.map((c) => c.frame)).toEqual(generateCorpus(7).cases.map((c) => c.frame));
    expect(generateCorpus(8).cases.map((c) => c.frame)).not.toEqual(generateCorpus(7).cases.map((c) => c.frame));
  });

  it("mostly fails the schema; what decodes is marked so", () => {
    const decoding = committed.cases.filter((c) => c.decodes);
    expect(committed.cases.length).toBeGreaterThan(600);
    expect(decoding.length).toBeLessThan(committed.cases.length / 4);
    for (const c of committed.cases) if (!c.binary) expect(decodeAgentMessage(expandForSchema(c.frame), LIMITS.maxMessageBytes).ok, c.name).toBe(c.decodes);
    // Hostile but well-formed on purpose: messages out of order, or about other clients' flows.
    expect(decoding.map((c) => c.name)).toEqual(expect.arrayContaining(["rows before hello", "hello of another client with my key", "rows for another client's flow", "NUL in an event row"]));
  });

  it("covers each kind of attack the issue lists", () => {
    const names = committed.cases.map((c) => c.name).join("\n");
    for (const kind of [/NUL/, /deep/, /oversized/, /unknown type/, /before hello/, /seq/, /another client/, /huge/, /binary/]) expect(names).toMatch(kind);
  });
});
