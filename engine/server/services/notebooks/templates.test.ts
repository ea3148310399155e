import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlainNotebook } from "@/engine/notebooks/plain-text";
import { planCell } from "./layout";
import { listTemplates } from "./templates";

const dir = fileURLToPath(new URL("../../../../notebooks", import.meta.url));

describe("the templates in notebooks/", () => {
  it("include a blank notebook, label clients, alerts overview and hunt triage", async () => {
    const names = (await listTemplates(dir)).map((t) => t.name);
    expect(names[0]).toBe("Blank notebook");
    expect(names).toEqual(expect.arrayContaining(["Label clients automatically", "Alerts overview", "Hunt results triage"]));
  });

  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md"))) {
    it(`${file} reads without problems and its VQL parses`, () => {
      const { notebook, problems } = parsePlainNotebook(readFileSync(`${dir}/${file}`, "utf8"));
      expect(problems).toEqual([]);
      for (const cell of notebook.cells.filter((c) => c.type === "vql")) {
        expect(planCell(cell.input, 0).logs.filter((l) => l.level === "ERROR")).toEqual([]);
      }
    });
  }
});
