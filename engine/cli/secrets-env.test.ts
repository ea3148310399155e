// Secrets leave the environment at start-up, and children get an allow-listed environment.
import { describe, expect, it } from "vitest";
import { childEnv, isSecretName, scrubSecrets, takeStartupSecrets } from "./secrets-env";

describe("secrets in the environment", () => {
  it("takeStartupSecrets() returns the admin password and database URL and removes them and look-alikes", () => {
    const env: Record<string, string | undefined> = { TALON_ADMIN_PASSWORD: "pw", DATABASE_URL: "postgres://u:p@h/db", PGPASSWORD: "p", SLACK_TOKEN: "t", MY_API_KEY: "k", PATH: "/bin", TALON_DATA_DIR: "/d" };
    expect(takeStartupSecrets({}, env)).toEqual({ adminPassword: "pw", databaseUrl: "postgres://u:p@h/db" });
    expect(env).toEqual({ PATH: "/bin", TALON_DATA_DIR: "/d" });
  });

  it("a --database-url flag wins over DATABASE_URL, which is removed all the same", () => {
    const env: Record<string, string | undefined> = { DATABASE_URL: "postgres://env" };
    expect(takeStartupSecrets({ databaseUrl: "postgres://flag" }, env).databaseUrl).toBe("postgres://flag");
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("scrubSecrets() names what it removed; isSecretName() spares ordinary settings", () => {
    expect(scrubSecrets({ TALON_TOKEN: "x", HOME: "/h" })).toEqual(["TALON_TOKEN"]);
    expect(["PATH", "TALON_DATA_DIR", "TALON_EVENT_RETENTION_DAYS", "NODE_ENV"].some(isSecretName)).toBe(false);
  });

  it("childEnv() keeps only what a program needs to run", () => {
    expect(childEnv({ PATH: "/bin", HOME: "/h", LANG: "C.UTF-8", TALON_ADMIN_PASSWORD: "pw", DATABASE_URL: "x", NODE_OPTIONS: "--require evil" }, { EXTRA: "1" })).toEqual({ PATH: "/bin", HOME: "/h", LANG: "C.UTF-8", EXTRA: "1" });
  });
});
