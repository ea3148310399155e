import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./main";
import { verifyFiles } from "./artifacts";
import { readArtifactFiles } from "../server/services/artifacts/files";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

const CORPUS = resolve(import.meta.dirname, "../../../shared/corpus/velociraptor-artifacts");

describe("talon artifacts verify", () => {
  it("prints file:line:col for each problem and exits 1 when a file has an error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-verify-"));
    try {
      mkdirSync(join(dir, "sub"));
      writeFileSync(join(dir, "good.yaml"), "name: Custom.Good.One\nsources:\n  - query: SELECT 1 FROM scope()\n");
      writeFileSync(join(dir, "sub", "bad.yml"), "name: Custom.Bad.One\nsources:\n  - query: |\n      SELECT * FROM info() WHERE\n");
      writeFileSync(join(dir, "notes.txt"), "not yaml, not read");
      const t = io();
      expect(await main(["artifacts", "verify", dir], t.io)).toBe(1);
      const text = t.out.join("");
      expect(text).toContain(`${join(dir, "sub", "bad.yml")}:4:${"      SELECT * FROM info() WHERE".length + 1}: error VQL1013:`);
      expect(text.trim().split("\n").at(-1)).toBe("2 files: 1 passed, 1 failed (1 errors, 0 warnings)");
      const ok = io();
      expect(await main(["artifacts", "verify", "--quiet", join(dir, "good.yaml")], ok.io)).toBe(0);
      expect(ok.out.join("")).toBe("1 files: 1 passed, 0 failed (0 errors, 0 warnings)\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("explains its usage and refuses unknown options and missing paths", async () => {
    const t = io();
    expect(await main(["artifacts"], t.io)).toBe(2);
    expect(t.out.join("")).toContain("talon artifacts verify");
    expect(await main(["artifacts", "verify", "--frob", "x"], io().io)).toBe(2);
    const missing = io();
    expect(await main(["artifacts", "verify", "/no/such/path"], missing.io)).toBe(2);
    expect(missing.err.join("")).toMatch(/no such file/i);
  });

  it.runIf(existsSync(CORPUS))("every one of Velociraptor's 421 built-in artifacts loads and all its queries parse", async () => {
    const files = await readArtifactFiles([CORPUS]);
    expect(files.length).toBe(421);
    const r = verifyFiles(files);
    expect(r.failed).toEqual([]);
    expect(r.passed).toBe(421);
  });
});
