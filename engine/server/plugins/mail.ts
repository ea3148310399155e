// mail(): Velociraptor's SMTP sender, as a function and (its older form) a plugin of one row,
// on the server. The answer is `dict(ErrorStatus=...)`: "OK: Message Sent" or the reason, with an
// ERROR line when it failed. Sends are rate limited across every query of this server process
// (`period` seconds since the last attempt, default 60). A managed `SMTP Creds` secret supplies
// the server, port, login and TLS settings, which the call cannot then override. The server's
// address goes through the outbound network policy (engine/server/net) and is connected to as
// checked; the message itself is built in ./mail-message.ts. Passwords appear in no row or log.
import nodemailer from "nodemailer";
import { arg, defineFunction, definePlugin, OrderedDict, untilAborted, type Builtin, type BuiltinContext, type InferArgs } from "../../vql";
import type { ResolvedSecret } from "@/engine/server/contracts";
import { policyFromEnv, resolveAllowed } from "../net";
import { serverHost } from "./host";
import { buildMessage, envelopeOf } from "./mail-message";

const DEFAULT_PORT = 587;
const DEFAULT_PERIOD = 60;
const DEFAULT_FROM = "no-reply@talon.example.com";
const TIMEOUT_MS = 30_000;

const ARGS = {
  to: arg.list(arg.string()).required().doc("Recipients of the mail."),
  from: arg.string().doc("The sender address (default: the secret's `from`, then auth_username)."),
  cc: arg.list(arg.string()).doc("Recipients copied on the mail."),
  subject: arg.string().doc("The subject."),
  body: arg.string().required().doc("The body, sent as given (set `Content-Type` in headers for HTML or a MIME body)."),
  period: arg.int().doc("Seconds that must pass since the server's last mail before this one is sent (default 60); a negative period never throttles."),
  server_port: arg.int().min(0).max(65535).doc("The SMTP port (default 587; 465 is TLS from the start, others upgrade with STARTTLS when offered)."),
  server: arg.string().doc("The SMTP server (required unless the secret names it)."),
  auth_username: arg.string().doc("The user name to log in with."),
  auth_password: arg.string().doc("The password to log in with (never logged)."),
  skip_verify: arg.bool().default(false).doc("Do not verify the server's TLS certificate."),
  root_ca: arg.string().doc("Extra trusted CA certificates (PEM)."),
  secret: arg.string().doc("A managed secret of type `SMTP Creds` supplying server, server_port, auth_username, auth_password, skip_verify, root_ca and optionally from."),
  headers: arg.dict().doc("Headers to set on the message, e.g. `dict(`Content-Type`='text/html')`."),
};

type Args = InferArgs<typeof ARGS>;

/** The last send attempt of this process (epoch ms): Velociraptor throttles all queries together. */
let lastSend = Number.NEGATIVE_INFINITY;

const status = (s: string) => new OrderedDict([["ErrorStatus", s]]);

function failed(ctx: BuiltinContext, reason: string): OrderedDict {
  ctx.log("ERROR", `mail: ${reason}`);
  return status(reason);
}

interface Settings {
  server?: string;
  port?: number;
  username?: string;
  password?: string;
  skipVerify: boolean;
  rootCa?: string;
  from?: string;
}

/** The connection settings: the secret's replace the call's (Velociraptor does not let a caller redirect a secret). */
async function settingsOf(a: Args, ctx: BuiltinContext): Promise<Settings | OrderedDict> {
  const own: Settings = { server: a.server, port: a.server_port, username: a.auth_username, password: a.auth_password, skipVerify: a.skip_verify, rootCa: a.root_ca, from: a.from };
  if (!a.secret) return own;
  const { principal, services } = serverHost(ctx.host);
  let s: ResolvedSecret;
  try {
    s = await untilAborted(services.secrets.resolve(principal, a.secret, "SMTP Creds"), ctx.signal);
  } catch (err) {
    ctx.signal.throwIfAborted();
    return failed(ctx, (err as Error).message);
  }
  const v = s.values;
  const str = (k: string) => (typeof v[k] === "string" && v[k] ? (v[k] as string) : undefined);
  const port = Number(str("server_port"));
  return {
    server: str("server"),
    port: Number.isInteger(port) && port > 0 ? port : undefined,
    username: str("auth_username"),
    password: str("auth_password"),
    skipVerify: v.skip_verify === true,
    rootCa: str("root_ca"),
    from: a.from || str("from"),
  };
}

async function sendMail(a: Args, ctx: BuiltinContext): Promise<OrderedDict> {
  const settings = await settingsOf(a, ctx);
  if (settings instanceof OrderedDict) return settings;
  const period = a.period || DEFAULT_PERIOD;
  const now = ctx.now();
  if (now - lastSend < period * 1000) return failed(ctx, "Send too fast, suppressing.");
  lastSend = now;
  if (!a.to.length) return failed(ctx, "no recipient.");
  if (!settings.server) return failed(ctx, "server not specified");
  const from = settings.from || settings.username || DEFAULT_FROM;
  const message = buildMessage({ from, to: a.to, cc: a.cc ?? [], subject: a.subject ?? "", body: a.body, headers: a.headers, date: new Date(now) });
  for (const w of message.warnings) ctx.log("WARN", `mail: ${w}`);
  const envelope = envelopeOf(from, [...a.to, ...(a.cc ?? [])]);
  if (!envelope.to.length) return failed(ctx, "no recipient.");

  const port = settings.port || DEFAULT_PORT;
  const host = settings.server.trim().replace(/^\[|\]$/g, "");
  let transport: ReturnType<typeof nodemailer.createTransport> | undefined;
  const abort = new Promise<never>((_, reject) => {
    const stop = () => reject(ctx.signal.reason);
    if (ctx.signal.aborted) stop();
    else ctx.signal.addEventListener("abort", stop, { once: true });
  });
  abort.catch(() => {});
  try {
    const dest = await Promise.race([resolveAllowed(host, policyFromEnv().policy), abort]);
    const auth = settings.username ? { user: settings.username, pass: settings.password ?? "" } : undefined;
    transport = nodemailer.createTransport({
      // The checked address itself: nodemailer does no lookup of its own for an IP.
      host: dest.address,
      port,
      secure: port === 465,
      // Credentials go only over TLS, except to this machine (as Go's net/smtp allows).
      requireTLS: !!auth && !dest.loopback,
      auth,
      tls: { servername: host !== dest.address ? host : undefined, rejectUnauthorized: !settings.skipVerify, ...(settings.rootCa ? { ca: settings.rootCa } : {}) },
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
      logger: false,
      debug: false,
    });
    await Promise.race([transport.sendMail({ envelope, raw: message.raw }), abort]);
    return status("OK: Message Sent");
  } catch (err) {
    ctx.signal.throwIfAborted();
    return failed(ctx, (err as Error).message);
  } finally {
    transport?.close();
  }
}

const DOC =
  "Sends an email through an SMTP server and returns `dict(ErrorStatus=...)`: `OK: Message Sent` or why it was not sent. Mails are rate limited across all queries of the server to one per `period` seconds (default 60); a suppressed mail's status is `Send too fast, suppressing.`. Give server, server_port, auth_username and auth_password, or `secret` naming an `SMTP Creds` secret. The server's address must pass the outbound policy (loopback and private addresses need TALON_HTTP_CLIENT_ALLOW).";

export const mailFunction = defineFunction({
  name: "mail",
  category: "server",
  doc: DOC,
  args: ARGS,
  permissions: ["NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  run: (a, ctx) => sendMail(a, ctx),
});

export const mailPlugin = definePlugin({
  name: "mail",
  category: "server",
  doc: `${DOC} The plugin form gives that dict as its one row.`,
  args: ARGS,
  permissions: ["NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  async *run(a, ctx) {
    yield await sendMail(a, ctx);
  },
});

export const mailBuiltins: readonly Builtin[] = [mailFunction, mailPlugin];
