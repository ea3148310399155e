// Checks of what a secret is made of: its name (usable as the host of a `secret://name` URL),
// its type, its values against the type's fields, and the user names it is shared with.
// Messages name fields and types, never a value.
import { SECRET_TYPES, SECRET_TYPE_NAMES, ServiceError, type SecretFieldSpec, type SecretType } from "@/engine/server/contracts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const USER = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export function checkName(name: string): string {
  if (typeof name !== "string" || !NAME.test(name)) throw new ServiceError("bad_request", "a secret name is 1 to 100 letters, digits, `_`, `.` or `-`, starting with a letter or digit");
  return name;
}

export function checkType(type: string): SecretType {
  if (!(SECRET_TYPE_NAMES as string[]).includes(type)) throw new ServiceError("bad_request", `unknown secret type \`${type}\`; expected ${SECRET_TYPE_NAMES.map((t) => `\`${t}\``).join(" or ")}`);
  return type as SecretType;
}

export function checkUsers(users: readonly string[]): string[] {
  const out: string[] = [];
  for (const u of users) {
    const name = String(u).toLowerCase();
    if (!USER.test(name)) throw new ServiceError("bad_request", `\`${String(u).slice(0, 64)}\` is not a user name`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

function fieldValue(type: string, f: SecretFieldSpec, v: unknown): unknown {
  const wrong = (what: string) => new ServiceError("bad_request", `field \`${f.name}\` of a ${type} secret must be ${what}`);
  switch (f.kind) {
    case "string":
    case "secret":
      if (typeof v !== "string") throw wrong("a string");
      return v;
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      throw wrong("true or false");
    case "dict": {
      if (!v || typeof v !== "object" || Array.isArray(v)) throw wrong("a dict of strings");
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.some(([, x]) => typeof x !== "string")) throw wrong("a dict of strings");
      return Object.fromEntries(entries);
    }
  }
}

/** The values with empty optional fields dropped, every field known and of its kind, required ones present. */
export function checkValues(type: SecretType, values: Record<string, unknown>): Record<string, unknown> {
  if (!values || typeof values !== "object" || Array.isArray(values)) throw new ServiceError("bad_request", "a secret's values are a dict of its fields");
  const spec: readonly SecretFieldSpec[] = SECRET_TYPES[type].fields;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const f = spec.find((s) => s.name === k);
    if (!f) throw new ServiceError("bad_request", `a ${type} secret has no field \`${k.slice(0, 64)}\`; expected ${spec.map((s) => s.name).join(", ")}`);
    if (v === null || v === undefined || v === "") continue;
    // A port given as a VQL number is kept as the string the form would send.
    out[k] = fieldValue(type, f, k === "server_port" && typeof v === "number" ? String(v) : v);
  }
  for (const f of spec) if (f.required && out[f.name] === undefined) throw new ServiceError("bad_request", `a ${type} secret needs field \`${f.name}\``);
  if (typeof out.url === "string" && !/^https?:\/\/[^/?#\s]+/i.test(out.url)) throw new ServiceError("bad_request", `field \`url\` of a ${type} secret must be an http or https URL`);
  if (typeof out.server_port === "string" && !(/^\d{1,5}$/.test(out.server_port) && Number(out.server_port) >= 1 && Number(out.server_port) <= 65535)) {
    throw new ServiceError("bad_request", `field \`server_port\` of a ${type} secret must be a port number (1 to 65535)`);
  }
  return out;
}
