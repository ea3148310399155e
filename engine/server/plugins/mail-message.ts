// The message mail() sends, built as Velociraptor's does: From, To, Cc and Subject, the caller's
// headers set over them (a `Content-Type` there types the body), and the body as given
// ("8bit", unencoded: a caller building MIME parts, as Generic.Utils.SendEmail does, sends them
// untouched). Header values are folded and non-ASCII words RFC 2047 encoded (nodemailer's
// mime-funcs); a header name that is not one, or a value that is not a string, is left out with
// a warning, and line breaks inside a value become spaces (no header injection).
import { randomBytes } from "node:crypto";
import addressparser, { type Address } from "nodemailer/lib/addressparser";
import { encodeWords, foldLines } from "nodemailer/lib/mime-funcs";
import { OrderedDict } from "../../vql";

export interface MessageParts {
  from: string;
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  body: string;
  headers?: unknown;
  date: Date;
}

/** RFC 5322 field names: printable ASCII except the colon. */
const FIELD_NAME = /^[!-9;-~]+$/;

function clean(value: string): string {
  return value.replace(/\r\n|\r|\n/g, " ");
}

function entriesOf(headers: unknown): Array<[string, unknown]> {
  if (headers instanceof OrderedDict) return [...headers.entries()];
  if (headers instanceof Map) return [...headers.entries()] as Array<[string, unknown]>;
  if (headers && typeof headers === "object" && !Array.isArray(headers)) return Object.entries(headers as Record<string, unknown>);
  return [];
}

/** The whole message (CRLF line ends) and what was left out of it. */
export function buildMessage(p: MessageParts): { raw: string; warnings: string[] } {
  const warnings: string[] = [];
  const fields = new Map<string, [string, string]>();
  const set = (name: string, value: string) => fields.set(name.toLowerCase(), [name, value]);
  set("From", p.from);
  set("To", p.to.join(", "));
  if (p.cc.length) set("Cc", p.cc.join(", "));
  set("Subject", p.subject);
  set("Date", p.date.toUTCString().replace("GMT", "+0000"));
  set("Message-ID", `<${randomBytes(12).toString("hex")}@talon>`);
  set("MIME-Version", "1.0");
  set("Content-Type", "text/plain; charset=UTF-8");
  set("Content-Transfer-Encoding", "8bit");
  for (const [name, value] of entriesOf(p.headers)) {
    if (!FIELD_NAME.test(name)) {
      warnings.push(`header \`${name.slice(0, 40)}\` is not a valid header name; left out`);
      continue;
    }
    if (typeof value !== "string") {
      warnings.push(`header \`${name}\` is not a string; left out`);
      continue;
    }
    set(name, value);
  }
  const head = [...fields.values()].map(([name, value]) => foldLines(`${name}: ${encodeWords(clean(value), "Q", 52)}`, 76, true).replace(/\r?\n?$/, ""));
  const body = p.body.replace(/\r\n|\r|\n/g, "\r\n");
  return { raw: `${head.join("\r\n")}\r\n\r\n${body}${body.endsWith("\r\n") ? "" : "\r\n"}`, warnings };
}

function mailboxes(list: Address[]): string[] {
  return list.flatMap((a) => (a.group ? mailboxes(a.group) : a.address ? [a.address] : []));
}

/** SMTP's envelope: the sender's and every recipient's bare address. */
export function envelopeOf(from: string, recipients: readonly string[]): { from: string; to: string[] } {
  const sender = mailboxes(addressparser(from))[0] ?? from;
  const to = [...new Set(recipients.flatMap((r) => mailboxes(addressparser(r))))].filter((a) => a.includes("@"));
  return { from: sender, to };
}
