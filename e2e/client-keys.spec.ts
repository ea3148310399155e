// A client's key from its page (issue 13, item 2): an administrator revokes the key of a
// running `talon client`, which is disconnected and refused (it exits 3 saying so); Re-key
// lets it back with `talon client --rekey`, the same client id and a new key.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "./fixtures";

function startAgent(baseURL: string, token: string, state: string, extra: string[] = []) {
  return new Promise<{ child: ChildProcess; clientId: string; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/talon.mjs", "client", "--server", baseURL, "--token", token, "--state", state, ...extra], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } as unknown as NodeJS.ProcessEnv });
    let out = "";
    child.stderr!.on("data", (d) => (out += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /Talon agent (C\.[0-9a-f]{16})/.exec(out);
      if (m) resolve({ child, clientId: m[1]!, output: () => out });
    });
    child.once("exit", (code) => reject(new Error(`talon client exited (${code}): ${out}`)));
  });
}

test("an administrator revokes a client's key from its page, the agent is cut off; Re-key lets it back with a new key", async ({ adminPage: page, baseURL }) => {
  test.setTimeout(120_000);
  const { token } = (await (await page.request.get("/api/clients/token")).json()) as { token: string };
  const state = mkdtempSync(join(tmpdir(), "talon-e2e-keys-"));
  const running: ChildProcess[] = [];
  try {
    const first = await startAgent(baseURL!, token, state);
    running.push(first.child);
    const exited = new Promise<number | null>((r) => first.child.once("exit", (code) => r(code)));
    // The agent prints its id before it has enrolled: open its page once the server knows it.
    await expect(async () => expect((await page.request.get(`/api/clients/${first.clientId}`)).status()).toBe(200)).toPass({ timeout: 30_000 });
    await page.goto(`/clients/${first.clientId}`);
    await expect(page.getByTestId("client-status")).toHaveAttribute("data-status", "online", { timeout: 30_000 });
    await expect(page.getByTestId("client-key")).toHaveAttribute("data-state", "active");

    page.once("dialog", (d) => void d.accept());
    await page.getByTestId("client-key-revoke").click();
    await expect(page.getByTestId("client-key")).toHaveAttribute("data-state", "revoked");
    expect(await exited).toBe(3);
    expect(first.output()).toMatch(/revoked this client's key/);
    // The dot follows the disconnect, without a reload.
    await expect(page.getByTestId("client-status")).toHaveAttribute("data-status", "recent");

    page.once("dialog", (d) => void d.accept());
    await page.getByTestId("client-key-rekey").click();
    await expect(page.getByTestId("client-key")).toHaveAttribute("data-state", "rekey");
    const again = await startAgent(baseURL!, token, state, ["--rekey"]);
    running.push(again.child);
    expect(again.clientId).toBe(first.clientId);
    await expect(page.getByTestId("client-status")).toHaveAttribute("data-status", "online", { timeout: 30_000 });
    await page.reload();
    await expect(page.getByTestId("client-key")).toHaveAttribute("data-state", "active");
  } finally {
    // Agents write their outbox until they exit: wait for that before removing their state.
    await Promise.all(
      running.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return undefined;
        return new Promise((r) => {
          c.once("exit", r);
          c.kill("SIGTERM");
          setTimeout(() => c.kill("SIGKILL"), 5000).unref();
        });
      }),
    );
    rmSync(state, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
});
