// Secrets in the environment are read once, at start, and then removed from process.env, so
// nothing the server runs later (a query, a child process, a crash report) sees them. The
// process's initial environment in /proc/<pid>/environ cannot be changed; the local agent
// never reads that file (the server's /proc entry is a protected path), and children get an
// environment built from an allow-list (childEnv), never process.env.

type Env = Record<string, string | undefined>;

/** Names removed from process.env after start-up. */
export const SECRET_ENV_NAMES = ["TALON_ADMIN_PASSWORD", "DATABASE_URL", "TEST_DATABASE_URL", "PGPASSWORD", "TALON_TOKEN"] as const;

/** Any other name that looks like a secret. */
const SECRET_PATTERN = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY)$/i;

export function isSecretName(name: string): boolean {
  return (SECRET_ENV_NAMES as readonly string[]).includes(name) || SECRET_PATTERN.test(name);
}

/** Removes the secrets from `env` (process.env by default); returns the names removed. */
export function scrubSecrets(env: Env = process.env): string[] {
  const removed = Object.keys(env).filter(isSecretName);
  for (const name of removed) delete env[name];
  return removed;
}

/** Names a child process may inherit: what a program needs to run, nothing that configures Talon. */
const CHILD_ENV_NAMES = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SHELL"];

/** An environment for a child process: the allow-listed names of `env`, plus `extra`. */
export function childEnv(env: Env = process.env, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CHILD_ENV_NAMES) if (env[name] !== undefined) out[name] = env[name]!;
  return { ...out, ...extra };
}

/** The secrets `talon serve` needs, read once from `env` (flags win), then scrubbed from it. */
export function takeStartupSecrets(flags: { databaseUrl?: string } = {}, env: Env = process.env): { adminPassword?: string; databaseUrl?: string } {
  const taken = { adminPassword: env.TALON_ADMIN_PASSWORD || undefined, databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined) };
  scrubSecrets(env);
  return taken;
}
