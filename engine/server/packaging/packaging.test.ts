// The package formats against their readers and specifications: a .deb read by dpkg-deb
// (--info, --field, --contents, --fsys-tarfile), an .rpm read by a parser in this file written
// from the RPM file-format specification (lead, signature and main header, digests, the gzip
// cpio newc payload) and, where the `rpm` command is installed, by `rpm -qip` and `rpm -K`;
// the embedded config's round trip; the spec's template expansion.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { embedConfig, EMBEDDED_MARKER, extractConfigText } from "@/engine/protocol/embedded-config";
import { buildPackage, rpmRequires } from "./build";
import { resolveConfig } from "./config";
import { defaultSpec, expandTemplate, withRuntime } from "./spec";

const dir = mkdtempSync(join(tmpdir(), "talon-packaging-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUNDLE = "#!/usr/bin/env node\nconsole.log('agent');\n";
const CONFIG = "Client:\n  server_urls:\n    - https://talon.example:3000/\n  token: tok-123\n";
const WHEN = new Date("2026-01-02T03:04:05Z");

async function built(kind: "deb" | "rpm", release?: string) {
  const spec = withRuntime(defaultSpec(kind), kind, { release, configYaml: CONFIG, exe: embedConfig(BUNDLE, CONFIG) });
  const pkg = await buildPackage(kind, spec, WHEN);
  const path = join(dir, pkg.filename);
  writeFileSync(path, pkg.data);
  return { ...pkg, path };
}

describe("the embedded config", () => {
  it("sits after Velociraptor's marker, zlib-compressed, and reads back; repacking replaces it", () => {
    const once = embedConfig(BUNDLE, CONFIG);
    expect(once.startsWith(BUNDLE)).toBe(true);
    expect(once).toContain(EMBEDDED_MARKER);
    expect(extractConfigText(once)).toBe(CONFIG);
    const twice = embedConfig(once, "Client: {server_urls: [http://other/]}");
    expect(extractConfigText(twice)).toBe("Client: {server_urls: [http://other/]}");
    expect(twice.split(EMBEDDED_MARKER).length).toBe(2);
    expect(extractConfigText(BUNDLE)).toBeUndefined();
  });

  it("a config without a token gets the deployment token; without a config, TALON_PUBLIC_URL's servers; a config without server_urls is refused", async () => {
    const given = await resolveConfig('{"Client":{"server_urls":["http://a:1/"]},"Frontend":{"x":1}}', async () => "deploy-tok");
    expect(given.config).toEqual({ Client: { server_urls: ["http://a:1/"], token: "deploy-tok" } });
    const own = await resolveConfig("null\n", async () => "t", { TALON_PUBLIC_URL: "https://s1:3000, https://s2:3000" });
    expect(own.config.Client.server_urls).toEqual(["https://s1:3000", "https://s2:3000"]);
    await expect(resolveConfig(undefined, async () => "t", {})).rejects.toThrow(/TALON_PUBLIC_URL is not set/);
    await expect(resolveConfig("Client: {nonce: x}", async () => "t")).rejects.toThrow(/Invalid client config provided: Client.server_urls/);
    await expect(resolveConfig("Client: {server_urls: ['ftp://x/']}", async () => "t")).rejects.toThrow(/not an http\(s\) or ws\(s\) URL/);
  });
});

describe("spec templates", () => {
  it("expand fields, nested templates and Go's whitespace trimming; an unsupported action is an error", () => {
    const spec = { Expansion: { Name: "n", Args: "--a 'b c'" }, Templates: { Inner: "[{{ .Name }}]", Sh: "echo $HOME `x`" } };
    expect(expandTemplate('a {{.Name}} {{ Expand "Inner" }} {{ EscapeArgs .Args }}', spec)).toBe("a n [n] --a 'b c'");
    expect(expandTemplate("x  {{- .Name -}}  y", spec)).toBe("xny");
    expect(expandTemplate('{{ ShellEscape ( Expand "Sh" ) }}', spec)).toBe("echo \\$HOME \\`x\\`");
    expect(() => expandTemplate("{{ if .Name }}", spec)).toThrow(/not supported/);
    expect(() => expandTemplate("{{ .Missing }}", spec)).toThrow(/no field Missing/);
  });

  it("Debian dependencies become rpm requirements with rpmsense flags (GREATER|EQUAL = 12)", () => {
    expect(rpmRequires("nodejs (>= 20), systemd")).toEqual([
      { name: "nodejs", flags: 12, version: "20" },
      { name: "systemd", flags: 0, version: "" },
    ]);
  });
});

describe(".deb", () => {
  it("dpkg-deb reads the control fields, the scripts and the files (bundle 0700, unit running node with Restart=on-failure)", async () => {
    const deb = await built("deb");
    expect(deb.filename).toBe("talon_client_0.1.0_all.deb");
    expect(deb.data.subarray(0, 8).toString("latin1")).toBe("!<arch>\n");
    const field = (f: string) => execFileSync("dpkg-deb", ["--field", deb.path, f], { encoding: "utf8" }).trim();
    expect(field("Package")).toBe("talon-agent");
    expect(field("Version")).toBe("0.1.0");
    expect(field("Architecture")).toBe("all");
    expect(field("Depends")).toBe("nodejs (>= 20)");
    expect(field("Maintainer")).toBe("Talon <root@localhost>");
    const info = execFileSync("dpkg-deb", ["--info", deb.path], { encoding: "utf8" });
    expect(info).toMatch(/new Debian package, version 2\.0/);
    expect(info).toMatch(/\*\s+postinst/);
    expect(info).toMatch(/\*\s+prerm/);
    const postinst = execFileSync("dpkg-deb", ["--info", deb.path, "postinst"], { encoding: "utf8" });
    expect(postinst).toMatch(/^#!\/bin\/sh\n/);
    expect(postinst).toContain("systemctl enable talon-agent.service");
    const contents = execFileSync("dpkg-deb", ["--contents", deb.path], { encoding: "utf8" });
    expect(contents).toMatch(/-rwx------ root\/root\s+\d+ 2026-01-02 03:04 \.\/usr\/lib\/talon-agent\/talon-agent\.mjs/);
    expect(contents).toMatch(/-rw-r--r-- root\/root\s+\d+ 2026-01-02 03:04 \.\/etc\/systemd\/system\/talon-agent\.service/);
    const out = join(dir, "deb-root");
    execFileSync("dpkg-deb", ["-x", deb.path, out]);
    const unit = readFileSync(join(out, "etc/systemd/system/talon-agent.service"), "utf8");
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/usr\/lib\/talon-agent\/talon-agent\.mjs --state \/var\/lib\/talon-agent\s*$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^WantedBy=multi-user\.target$/m);
    const bundle = readFileSync(join(out, "usr/lib/talon-agent/talon-agent.mjs"), "utf8");
    expect(extractConfigText(bundle)).toBe(CONFIG);
  });
});

/** An RPM header at `at`: its tags, and where it ends. Written from the format's specification. */
function readHeader(b: Buffer, at: number) {
  expect(b.subarray(at, at + 4).toString("hex")).toBe("8eade801");
  const il = b.readUInt32BE(at + 8);
  const dl = b.readUInt32BE(at + 12);
  const store = at + 16 + il * 16;
  const tags = new Map<number, unknown>();
  for (let i = 0; i < il; i++) {
    const e = at + 16 + i * 16;
    const [tag, type, offset, count] = [b.readUInt32BE(e), b.readUInt32BE(e + 4), b.readInt32BE(e + 8), b.readUInt32BE(e + 12)];
    const p = store + offset;
    const strings = () => {
      const out: string[] = [];
      let q = p;
      for (let k = 0; k < count; k++) {
        const end = b.indexOf(0, q);
        out.push(b.subarray(q, end).toString("utf8"));
        q = end + 1;
      }
      return out;
    };
    if (type === 4) {
      expect(offset % 4).toBe(0);
      tags.set(tag, Array.from({ length: count }, (_, k) => b.readUInt32BE(p + k * 4)));
    } else if (type === 3) {
      expect(offset % 2).toBe(0);
      tags.set(tag, Array.from({ length: count }, (_, k) => b.readUInt16BE(p + k * 2)));
    } else if (type === 6 || type === 9) tags.set(tag, strings()[0]);
    else if (type === 8) tags.set(tag, strings());
    else if (type === 7) tags.set(tag, b.subarray(p, p + count));
  }
  return { tags, start: at, end: store + dl, il };
}

function readCpio(b: Buffer) {
  const files: { name: string; mode: number; data: Buffer }[] = [];
  let at = 0;
  for (;;) {
    expect(b.subarray(at, at + 6).toString("latin1")).toBe("070701");
    const hex = (i: number) => parseInt(b.subarray(at + 6 + i * 8, at + 14 + i * 8).toString("latin1"), 16);
    const [mode, size, nameSize] = [hex(1), hex(6), hex(11)];
    const nameAt = at + 110;
    const name = b.subarray(nameAt, nameAt + nameSize - 1).toString("utf8");
    const dataAt = nameAt + nameSize + ((4 - ((110 + nameSize) % 4)) % 4);
    if (name === "TRAILER!!!") return files;
    files.push({ name, mode, data: b.subarray(dataAt, dataAt + size) });
    at = dataAt + size + ((4 - (size % 4)) % 4);
  }
}

describe(".rpm", () => {
  it("has the lead, a signature whose digests match, and a header naming the package, its files, scripts and nodejs >= 20", async () => {
    const rpm = await built("rpm", "B");
    expect(rpm.filename).toBe("talon_client_0.1.0_noarch.rpm");
    const b = rpm.data;
    expect(b.subarray(0, 4).toString("hex")).toBe("edabeedb");
    expect(b.readUInt8(4)).toBe(3);
    expect(b.readUInt16BE(78)).toBe(5);
    expect(b.subarray(10, 10 + "talon-agent-0.1.0-B".length).toString("latin1")).toBe("talon-agent-0.1.0-B");
    const sig = readHeader(b, 96);
    const headerAt = sig.end + ((8 - ((sig.end - 96) % 8)) % 8);
    const hdr = readHeader(b, headerAt);
    const header = b.subarray(headerAt, hdr.end);
    const payload = b.subarray(hdr.end);
    // Region tags first: 62 in the signature, 63 in the header, each with its 16-byte trailer.
    expect((sig.tags.get(62) as Buffer).readInt32BE(8)).toBe(-sig.il * 16);
    expect((hdr.tags.get(63) as Buffer).readInt32BE(8)).toBe(-hdr.il * 16);
    expect(sig.tags.get(273)).toBe(createHash("sha256").update(header).digest("hex"));
    expect(sig.tags.get(269)).toBe(createHash("sha1").update(header).digest("hex"));
    expect((sig.tags.get(1004) as Buffer).toString("hex")).toBe(createHash("md5").update(header).update(payload).digest("hex"));
    expect(sig.tags.get(1000)).toEqual([header.length + payload.length]);
    const t = hdr.tags;
    expect([t.get(1000), t.get(1001), t.get(1002), t.get(1022), t.get(1021)]).toEqual(["talon-agent", "0.1.0", "B", "noarch", "linux"]);
    expect(t.get(1006)).toEqual([Math.floor(WHEN.getTime() / 1000)]);
    expect(t.get(1024)).toContain("systemctl enable talon-agent.service");
    expect(t.get(1086)).toBe("/bin/sh");
    expect(t.get(1025)).toContain('if [ "$1" = 0 ]');
    const names = t.get(1049) as string[];
    const at = names.indexOf("nodejs");
    expect((t.get(1048) as number[])[at]).toBe(4 | 8);
    expect((t.get(1050) as string[])[at]).toBe("20");
    const dirs = t.get(1118) as string[];
    const paths = (t.get(1117) as string[]).map((base, i) => dirs[(t.get(1116) as number[])[i]!] + base);
    expect(paths).toEqual(["/etc/systemd/system/talon-agent.service", "/usr/lib/talon-agent", "/usr/lib/talon-agent/talon-agent.mjs"]);
    expect((t.get(1030) as number[]).map((m) => m.toString(8))).toEqual(["100644", "40755", "100700"]);
    expect([t.get(1124), t.get(1125)]).toEqual(["cpio", "gzip"]);
    const cpio = gunzipSync(payload);
    expect(sig.tags.get(1007)).toEqual([cpio.length]);
    const files = readCpio(cpio);
    expect(files.map((f) => f.name)).toEqual(paths.map((p) => "." + p));
    const agent = files[2]!;
    expect(extractConfigText(agent.data.toString("utf8"))).toBe(CONFIG);
    expect((t.get(1035) as string[])[2]).toBe(createHash("sha256").update(agent.data).digest("hex"));
  });

  // `rpm` is installed on this machine (apt-get install rpm); where it is not, the parse above is the check.
  const hasRpm = spawnSync("rpm", ["--version"]).status === 0;
  it.runIf(hasRpm)("rpm -qip and rpm -K read it: the fields, the scripts, the requirements and the digests", async () => {
    const rpm = await built("rpm");
    const info = execFileSync("rpm", ["-qip", rpm.path], { encoding: "utf8" });
    expect(info).toMatch(/^Name\s+: talon-agent$/m);
    expect(info).toMatch(/^Version\s+: 0\.1\.0$/m);
    expect(info).toMatch(/^Release\s+: A$/m);
    expect(info).toMatch(/^Architecture: noarch$/m);
    expect(execFileSync("rpm", ["-qp", "--requires", rpm.path], { encoding: "utf8" })).toMatch(/^nodejs >= 20$/m);
    expect(execFileSync("rpm", ["-qp", "--scripts", rpm.path], { encoding: "utf8" })).toMatch(/postinstall scriptlet \(using \/bin\/sh\)/);
    const k = execFileSync("rpm", ["-Kv", rpm.path], { encoding: "utf8" });
    expect(k).toMatch(/Header SHA256 digest: OK/);
    expect(k).toMatch(/MD5 digest: OK/);
  });
});
