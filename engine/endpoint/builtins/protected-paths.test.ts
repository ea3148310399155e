// The protected-path guard: what it refuses (as written and after symlinks), what it lets
// through, and that a guarded endpoint's reads, stats, globs and follows all go through it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLinuxSystem } from "./linux";
import { createPathGuard, guardSystem, parseProtectedPaths, protectedPaths, ProtectedPathError } from "./protected-paths";

const root = mkdtempSync(join(tmpdir(), "talon-protected-"));
const state = join(root, "state");
const data = join(root, "data");
const open = join(root, "open");
for (const d of [state, data, open]) mkdirSync(d, { recursive: true });
writeFileSync(join(state, "identity.json"), "PRIVATE KEY");
writeFileSync(join(data, "base"), "WAL");
writeFileSync(join(open, "ok.txt"), "fine");
symlinkSync(join(state, "identity.json"), join(open, "link.txt"));
symlinkSync(state, join(open, "state-dir-link"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const guard = createPathGuard(protectedPaths({ stateDir: state, serverDataDir: data, serverPid: 4242, extra: parseProtectedPaths(`${join(root, "extra")}:,relative,/etc/talon-secret`) }));

describe("createPathGuard", () => {
  it("refuses the state dir, the data dir, configured paths and what is under them, with the reason", async () => {
    expect(await guard.refusal(join(state, "identity.json"))).toBe("the agent's state directory");
    expect(await guard.refusal(state)).toBe("the agent's state directory");
    expect(await guard.refusal(join(data, "base"))).toBe("the server's data directory");
    expect(await guard.refusal(join(data, "does", "not", "exist"))).toBe("the server's data directory");
    expect(await guard.refusal("/etc/talon-secret/x")).toMatch(/TALON_AGENT_PROTECTED_PATHS/);
    expect(await guard.refusal(join(state, "..", "state", "identity.json"))).toBe("the agent's state directory");
  });

  it("resolves symlinks before checking: a link to the key, and a path through a linked directory", async () => {
    expect(await guard.refusal(join(open, "link.txt"))).toBe("the agent's state directory");
    expect(await guard.refusal(join(open, "state-dir-link", "identity.json"))).toBe("the agent's state directory");
  });

  it("refuses the agent's own /proc entry, the server's, environments and shadow on the server's host", async () => {
    expect(await guard.refusal("/proc/self/environ")).toBe("the agent's own process");
    expect(await guard.refusal(`/proc/${process.pid}/mem`)).toBe("the agent's own process");
    expect(await guard.refusal("/proc/4242/cmdline")).toBe("the server's process");
    expect(await guard.refusal("/proc/1/environ")).toBe("process environments on the server's host");
    expect(await guard.refusal("/etc/shadow")).toBe("the server host's password hashes");
    expect(await guard.refusal("/etc/ssh/ssh_host_ed25519_key")).toBe("the server host's SSH keys");
  });

  it("lets everything else through (an ordinary agent has no server-host list)", async () => {
    expect(await guard.refusal(join(open, "ok.txt"))).toBeUndefined();
    expect(await guard.refusal("/etc/hostname")).toBeUndefined();
    expect(await guard.refusal("/etc/ssh/ssh_host_ed25519_key.pub")).toBeUndefined();
    expect(await guard.refusal("/proc/1/status")).toBeUndefined();
    const ordinary = createPathGuard(protectedPaths({ stateDir: state }));
    expect(await ordinary.refusal("/etc/shadow")).toBeUndefined();
    expect(await ordinary.refusal("/proc/self/environ")).toBe("the agent's own process");
  });
});

describe("guardSystem", () => {
  const logs: string[] = [];
  const system = guardSystem(createLinuxSystem(), guard, (m) => logs.push(m));
  const signal = new AbortController().signal;

  it("read() throws ProtectedPathError for a protected file and reads others", async () => {
    await expect(async () => {
      for await (const _ of system.fs.read(join(open, "link.txt"), { signal })) void _;
    }).rejects.toBeInstanceOf(ProtectedPathError);
    const chunks: Buffer[] = [];
    for await (const c of system.fs.read(join(open, "ok.txt"), { signal })) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).toString()).toBe("fine");
    expect(logs.some((l) => l.includes("link.txt") && l.includes("the agent's state directory"))).toBe(true);
  });

  it("glob() leaves protected matches out and logs them; stat() finds nothing", async () => {
    const found: string[] = [];
    for await (const f of system.fs.glob([`${root}/**/*`], { signal })) found.push(f.OSPath);
    expect(found).toContain(join(open, "ok.txt"));
    expect(found.filter((p) => p.startsWith(state) || p.startsWith(data) || p.endsWith("link.txt"))).toEqual([]);
    expect(await system.fs.stat(join(state, "identity.json"))).toBeUndefined();
    expect(await system.fs.stat(join(open, "ok.txt"))).toMatchObject({ Name: "ok.txt" });
    expect(logs.some((l) => l.includes("the server's data directory"))).toBe(true);
  });

  it("following a protected file is refused", async () => {
    await expect(system.events!.followLines(join(data, "base"), { fromStart: true, bufferSize: 1024 })).rejects.toBeInstanceOf(ProtectedPathError);
  });
});
