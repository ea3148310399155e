// mail() against a real SMTP server (smtp-server, from the nodemailer project) on 127.0.0.1,
// allowed through TALON_HTTP_CLIENT_ALLOW for the tests that need it: what the server receives
// (envelope, headers, body, login), Velociraptor's ErrorStatus answers, the period throttle
// across queries, SMTP Creds secrets replacing the call's settings, STARTTLS with skip_verify,
// and no password in any row or log.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "../../vql";
import { permissionsOf } from "../auth/roles";
import { ServiceError, type Principal, type ResolvedSecret, type VqlServices } from "@/engine/server/contracts";
import { serverBuiltins } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string): Principal => ({ userId: role, username: role, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator");
const PASSWORD = "hunter2-very-secret";

interface Received {
  from: string;
  to: string[];
  data: string;
  user?: string;
  secure: boolean;
}

async function start(options: SMTPServerOptions, inbox: Received[]): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    logger: false,
    disabledCommands: [],
    onAuth(auth, _session, cb) {
      if (auth.username === "alice@example.org" && auth.password === PASSWORD) cb(null, { user: "alice" });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session: SMTPServerSession, cb) {
      let data = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => (data += c));
      stream.on("end", () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
          user: session.user as string | undefined,
          secure: session.secure,
        });
        cb();
      });
    },
    ...options,
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { server, port: (server.server.address() as AddressInfo).port };
}

const inbox: Received[] = [];
const tlsInbox: Received[] = [];
let plain: { server: SMTPServer; port: number };
let authed: { server: SMTPServer; port: number };
let tls: { server: SMTPServer; port: number };

beforeAll(async () => {
  plain = await start({ authOptional: true, hideSTARTTLS: true }, inbox);
  authed = await start({ authOptional: false, hideSTARTTLS: true }, inbox);
  // STARTTLS offered with smtp-server's own self-signed certificate.
  tls = await start({ authOptional: true }, tlsInbox);
});
afterAll(async () => {
  for (const s of [plain, authed, tls]) await new Promise<void>((r) => s.server.close(() => r()));
});

// Each test runs at its own time, far from the others', so the process-wide throttle
// (60 s by default) only matters where a test sends twice.
let at = 1_000_000_000_000;
beforeEach(() => {
  at += 10_000_000;
  process.env.TALON_HTTP_CLIENT_ALLOW = "127.0.0.1";
});
afterEach(() => {
  delete process.env.TALON_HTTP_CLIENT_ALLOW;
  inbox.length = 0;
  tlsInbox.length = 0;
});

const SECRETS: Record<string, { users: string[]; values: () => Record<string, unknown>; type?: string }> = {
  relay: { users: ["carol"], values: () => ({ server: "127.0.0.1", server_port: String(authed.port), auth_username: "alice@example.org", auth_password: PASSWORD, from: "talon@example.org" }) },
  hook: { users: [], type: "Webhook", values: () => ({ url: "https://hooks.example/x" }) },
};

function services(): VqlServices {
  return {
    secrets: {
      async resolve(p: Principal, name: string, type: string): Promise<ResolvedSecret> {
        const s = SECRETS[name];
        if (!s) throw new ServiceError("not_found", `no secret named ${name}`);
        if (!p.permissions.has("SERVER_ADMIN") && !s.users.includes(p.username)) throw new ServiceError("forbidden", `secret ${name} is not shared with ${p.username}`);
        if ((s.type ?? "SMTP Creds") !== type) throw new ServiceError("bad_request", `secret ${name} is of type ${s.type}, not ${type}`);
        return { name, type, values: s.values() };
      },
    },
  } as unknown as VqlServices;
}

async function vql(text: string, principal: Principal = admin, env: Record<string, unknown> = {}) {
  const rows: Array<Record<string, unknown>> = [];
  const logs: string[] = [];
  const clock = () => at;
  for await (const e of runVql(text, { registry, env, clock, host: { principal, services: services() }, permissions: principal.permissions })) {
    if (e.kind === "row") rows.push(toJsonValue(e.row) as Record<string, unknown>);
    if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
  }
  return { rows, logs };
}

/** A received message's header (unfolded) by name, and its body. */
function parse(data: string) {
  const [head, ...rest] = data.split("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body: rest.join("\r\n\r\n") };
}

describe("mail(): what the server receives", () => {
  it("sends From, To, Cc, Subject and the body; the envelope carries every recipient", async () => {
    const r = await vql(
      `SELECT mail(to=['bob@example.org', 'Carol <carol@example.org>'], cc='dave@example.org', \`from\`='talon@example.org', subject='PsExec launched on host', body='line one\nline two', server='127.0.0.1', server_port=${plain.port}, period=60) AS M FROM scope()`,
    );
    expect(r.rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    expect(r.logs).toEqual([]);
    expect(inbox.length).toBe(1);
    const m = inbox[0];
    expect(m.from).toBe("talon@example.org");
    expect(m.to).toEqual(["bob@example.org", "carol@example.org", "dave@example.org"]);
    const { headers, body } = parse(m.data);
    expect(headers.get("from")).toBe("talon@example.org");
    expect(headers.get("to")).toBe("bob@example.org, Carol <carol@example.org>");
    expect(headers.get("cc")).toBe("dave@example.org");
    expect(headers.get("subject")).toBe("PsExec launched on host");
    expect(headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    expect(headers.get("mime-version")).toBe("1.0");
    // The run's clock: 1_000_000_000_000 ms after the epoch plus the tests' offsets.
    expect(headers.get("date")).toBe(new Date(at).toUTCString().replace("GMT", "+0000"));
    expect(body).toBe("line one\r\nline two\r\n");
  });

  it("sets the caller's headers: Content-Type types the body, others are added, and a line break cannot start a new header", async () => {
    const r = await vql(
      `SELECT mail(to='bob@example.org', subject='Report', body='<b>hi</b>', server='127.0.0.1', server_port=${plain.port}, headers=dict(\`Content-Type\`='text/html; charset=UTF-8', \`X-Talon\`='one\r\nBcc: eve@example.org')) AS M FROM scope()`,
    );
    expect(r.rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    const { headers, body } = parse(inbox[0].data);
    expect(headers.get("content-type")).toBe("text/html; charset=UTF-8");
    expect(headers.get("x-talon")).toBe("one Bcc: eve@example.org");
    expect(headers.has("bcc")).toBe(false);
    expect(inbox[0].to).toEqual(["bob@example.org"]);
    expect(body).toBe("<b>hi</b>\r\n");
  });

  it("encodes a non-ASCII subject as an RFC 2047 word", async () => {
    await vql(`SELECT mail(to='bob@example.org', subject='Über', body='x', server='127.0.0.1', server_port=${plain.port}) AS M FROM scope()`);
    // "Ü" is C3 9C in UTF-8; Q-encoding writes each byte as =XX.
    expect(parse(inbox[0].data).headers.get("subject")).toBe("=?UTF-8?Q?=C3=9Cber?=");
  });

  it("the plugin form gives the status as its one row", async () => {
    const r = await vql(`SELECT * FROM mail(to='bob@example.org', subject='s', body='b', server='127.0.0.1', server_port=${plain.port}, period=60)`);
    expect(r.rows).toEqual([{ ErrorStatus: "OK: Message Sent" }]);
    expect(inbox.length).toBe(1);
  });

  it("from defaults to auth_username", async () => {
    await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${authed.port}, auth_username='alice@example.org', auth_password='${PASSWORD}') AS M FROM scope()`);
    expect(inbox[0].from).toBe("alice@example.org");
    expect(inbox[0].user).toBe("alice");
  });
});

describe("mail(): login", () => {
  it("logs in with auth_username and auth_password", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', \`from\`='a@example.org', body='b', server='127.0.0.1', server_port=${authed.port}, auth_username='alice@example.org', auth_password='${PASSWORD}') AS M FROM scope()`);
    expect(r.rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    expect(inbox[0].user).toBe("alice");
  });

  it("a refused login is the ErrorStatus and an ERROR line, never the password", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${authed.port}, auth_username='alice@example.org', auth_password='wrong-${PASSWORD}') AS M FROM scope()`);
    const status = (r.rows[0].M as { ErrorStatus: string }).ErrorStatus;
    expect(status).toMatch(/^Invalid login: 535/);
    expect(r.logs).toEqual([`ERROR mail: ${status}`]);
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
    expect(inbox).toEqual([]);
  });

  it("a server that needs a login refuses a mail without one", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${authed.port}) AS M FROM scope()`);
    expect((r.rows[0].M as { ErrorStatus: string }).ErrorStatus).toMatch(/530/);
    expect(inbox).toEqual([]);
  });
});

describe("mail(): the period throttle", () => {
  it("a second mail within `period` seconds of the last is suppressed, without restarting the period; after it, one is sent again", async () => {
    const q = `SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${plain.port}, period=60) AS M FROM scope()`;
    expect((await vql(q)).rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    at += 59_999;
    const second = await vql(q);
    expect(second.rows).toEqual([{ M: { ErrorStatus: "Send too fast, suppressing." } }]);
    expect(second.logs).toEqual(["ERROR mail: Send too fast, suppressing."]);
    expect(inbox.length).toBe(1);
    at += 1;
    expect((await vql(q)).rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    expect(inbox.length).toBe(2);
  });

  it("throttles within one query too, and the default period is 60 seconds", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', body=str(str=_value), server='127.0.0.1', server_port=${plain.port}) AS M FROM foreach(row=[1, 2, 3])`);
    expect(r.rows.map((x) => (x.M as { ErrorStatus: string }).ErrorStatus)).toEqual(["OK: Message Sent", "Send too fast, suppressing.", "Send too fast, suppressing."]);
    expect(inbox.map((m) => parse(m.data).body)).toEqual(["1\r\n"]);
  });

  it("a negative period never throttles", async () => {
    const q = (p: number) => `SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${plain.port}, period=${p}) AS M FROM scope()`;
    await vql(q(-1));
    expect((await vql(q(-1))).rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    expect(inbox.length).toBe(2);
  });
});

describe("mail(): SMTP Creds secrets", () => {
  it("the secret supplies server, port and login, replacing the call's; its from is used when the call has none", async () => {
    const r = await vql(`SELECT mail(secret='relay', to='bob@example.org', subject='s', body='b', server='192.0.2.1', server_port=25, auth_username='mallory', auth_password='x') AS M FROM scope()`);
    expect(r.rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    expect(inbox[0].user).toBe("alice");
    expect(inbox[0].from).toBe("talon@example.org");
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it("a user the secret is shared with may use it; another is refused by name", async () => {
    // Analysts lack NETWORK; these two have it, and the secret is shared with carol only.
    const carol: Principal = { ...as("analyst"), userId: "carol", username: "carol", permissions: new Set([...permissionsOf("analyst"), "NETWORK"]) };
    const ok = await vql(`SELECT mail(secret='relay', to='bob@example.org', body='b') AS M FROM scope()`, carol);
    expect(ok.rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    at += 60_000;
    const bob: Principal = { ...carol, userId: "bob", username: "bob" };
    const no = await vql(`SELECT mail(secret='relay', to='bob@example.org', body='b') AS M FROM scope()`, bob);
    expect(no.rows).toEqual([{ M: { ErrorStatus: "secret relay is not shared with bob" } }]);
    expect(no.logs).toEqual(["ERROR mail: secret relay is not shared with bob"]);
    expect(inbox.length).toBe(1);
  });

  it("a secret of another type is refused", async () => {
    const r = await vql(`SELECT mail(secret='hook', to='bob@example.org', body='b') AS M FROM scope()`);
    expect(r.rows).toEqual([{ M: { ErrorStatus: "secret hook is of type Webhook, not SMTP Creds" } }]);
  });
});

describe("mail(): refusals", () => {
  it("refuses loopback unless TALON_HTTP_CLIENT_ALLOW lists it, without connecting", async () => {
    delete process.env.TALON_HTTP_CLIENT_ALLOW;
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${plain.port}) AS M FROM scope()`);
    const why = "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)";
    expect(r.rows).toEqual([{ M: { ErrorStatus: why } }]);
    expect(r.logs).toEqual([`ERROR mail: ${why}`]);
    expect(inbox).toEqual([]);
  });

  it("refuses the cloud metadata address even when its range is allowed", async () => {
    process.env.TALON_HTTP_CLIENT_ALLOW = "169.254.0.0/16";
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='169.254.169.254') AS M FROM scope()`);
    expect(r.rows).toEqual([{ M: { ErrorStatus: "refused: 169.254.169.254 is a cloud metadata address (allow it only by naming it in TALON_HTTP_CLIENT_ALLOW)" } }]);
  });

  it("no server, or no recipient, is the ErrorStatus Velociraptor gives", async () => {
    expect((await vql(`SELECT mail(to='bob@example.org', body='b') AS M FROM scope()`)).rows).toEqual([{ M: { ErrorStatus: "server not specified" } }]);
    at += 60_000;
    expect((await vql(`SELECT mail(to=[], body='b', server='127.0.0.1') AS M FROM scope()`)).rows).toEqual([{ M: { ErrorStatus: "no recipient." } }]);
  });

  it("needs NETWORK: an analyst's call is refused and nothing is sent", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${plain.port}) AS M FROM scope()`, as("analyst"));
    expect(r.logs.join("\n")).toContain("NETWORK");
    expect(JSON.stringify(r.rows)).not.toContain("OK: Message Sent");
    expect(inbox).toEqual([]);
  });
});

describe("mail(): TLS", () => {
  it("upgrades with STARTTLS when offered and verifies the certificate (self-signed fails)", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${tls.port}) AS M FROM scope()`);
    expect((r.rows[0].M as { ErrorStatus: string }).ErrorStatus).toMatch(/certificate/i);
    expect(tlsInbox).toEqual([]);
  });

  it("skip_verify accepts the self-signed certificate; the mail goes over TLS", async () => {
    const r = await vql(`SELECT mail(to='bob@example.org', body='b', server='127.0.0.1', server_port=${tls.port}, skip_verify=TRUE) AS M FROM scope()`);
    expect(r.rows).toEqual([{ M: { ErrorStatus: "OK: Message Sent" } }]);
    expect(tlsInbox.length).toBe(1);
    expect(tlsInbox[0].secure).toBe(true);
  });
});
