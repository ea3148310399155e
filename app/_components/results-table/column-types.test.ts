import { describe, expect, it } from "vitest";
import { columnTypesOf } from "./column-types";

const artifacts: { name: string; columnTypes: Record<string, string> }[] = [
  { name: "Linux.Sys.Pslist", columnTypes: { CreateTime: "timestamp" } },
  { name: "Custom.Files", columnTypes: { Mtime: "nano_timestamp" } },
];

describe("columnTypesOf()", () => {
  it("gives each SELECT the column_types of the artifact it reads", () => {
    const input = `LET X = 1
SELECT * FROM Artifact.Linux.Sys.Pslist()
SELECT * FROM scope()
SELECT * FROM source(artifact="Custom.Files/Default", client_id="C.1", flow_id="F.1")
SELECT * FROM Artifact.Custom.Files.Default()`;
    expect(columnTypesOf(input, artifacts)).toEqual([{ CreateTime: "timestamp" }, undefined, { Mtime: "nano_timestamp" }, { Mtime: "nano_timestamp" }]);
  });
});
