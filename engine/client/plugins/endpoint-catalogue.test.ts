// The server's copy of the agent's builtin descriptors (engine/protocol/endpoint-builtins.ts,
// which the server may import where engine/client is out of bounds) is generated from the
// agent's registry and kept equal to it here (UPDATE_GOLDEN=1 rewrites it).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeBuiltins } from "../../vql";
import { ENDPOINT_BUILTINS } from "../../protocol/endpoint-builtins";
import { clientBuiltins } from ".";

const FILE = join(__dirname, "..", "..", "protocol", "endpoint-builtins.ts");

function generated(): string {
  const list = describeBuiltins(clientBuiltins).map((d) => ({ ...d, args: d.args.map((a) => ({ name: a.name, type: a.type, doc: a.doc, required: a.required, repeated: a.repeated })) }));
  return [
    "// GENERATED from engine/client/plugins (UPDATE_GOLDEN=1 npx vitest run engine/client/plugins/endpoint-catalogue.test.ts):",
    "// the descriptors of the builtins the agent runs, for the server's editor completion, lint,",
    "// artifact checks and \"runs on endpoints\" hints (the server never imports the agent).",
    'import type { BuiltinDescriptor } from "../vql";',
    "",
    `export const ENDPOINT_BUILTINS: readonly BuiltinDescriptor[] = ${JSON.stringify(list, null, 1)};`,
    "",
  ].join("\n");
}

describe("engine/protocol/endpoint-builtins.ts", () => {
  it("lists exactly the agent's builtins with their arguments", () => {
    const text = generated();
    if (process.env.UPDATE_GOLDEN || !existsSync(FILE)) writeFileSync(FILE, text);
    expect(readFileSync(FILE, "utf8")).toBe(text);
    expect(ENDPOINT_BUILTINS.map((d) => `${d.kind}:${d.name}`).sort()).toEqual(clientBuiltins.map((b) => `${b.kind}:${b.name}`).sort());
  });
});
