import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zipBytes } from "@/engine/server/export/zip-stream";
import { isZip, readZip, ZipError } from "./zip";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function hasCommand(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

describe("zip", () => {
  it("an archive written by the streamed writer (yazl: data descriptors) reads back with readZip()", async () => {
    const big = "SELECT * FROM info()\n".repeat(500);
    const zip = await zipBytes([{ name: "Custom/A.yaml", data: enc("name: Custom.A\n") }, { name: "b.yaml", data: enc(big) }]);
    expect(isZip(zip)).toBe(true);
    const back = readZip(zip);
    expect(back.map((e) => e.name)).toEqual(["Custom/A.yaml", "b.yaml"]);
    expect(dec(back[1]!.data)).toBe(big);
  });

  it.runIf(hasCommand("unzip"))("the streamed writer's output is a valid archive for unzip", async () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-zip-"));
    try {
      writeFileSync(join(dir, "p.zip"), await zipBytes([{ name: "x/y.yaml", data: enc("hello") }]));
      execFileSync("unzip", ["-q", join(dir, "p.zip"), "-d", join(dir, "out")]);
      expect(readFileSync(join(dir, "out/x/y.yaml"), "utf8")).toBe("hello");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(hasCommand("zip"))("readZip() reads an archive made by zip (deflated and stored entries, folders)", () => {
    const dir = mkdtempSync(join(tmpdir(), "talon-zip-"));
    try {
      execFileSync("sh", ["-c", `cd ${dir} && mkdir -p d && printf 'name: A.B\\n' > d/a.yaml && printf '%0500d' 0 > z.yaml && zip -q -r p.zip d z.yaml && zip -q -0 s.zip d/a.yaml`]);
      const entries = readZip(readFileSync(join(dir, "p.zip")));
      expect(entries.map((e) => e.name).sort()).toEqual(["d/a.yaml", "z.yaml"]);
      expect(dec(entries.find((e) => e.name === "z.yaml")!.data)).toBe("0".repeat(500));
      expect(dec(readZip(readFileSync(join(dir, "s.zip")))[0]!.data)).toBe("name: A.B\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("readZip() refuses text that is not an archive", () => {
    expect(() => readZip(enc("name: not a zip"))).toThrow(ZipError);
  });
});
