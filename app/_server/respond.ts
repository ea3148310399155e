// Route handlers in one shape: authenticate, check a permission, run, and map errors to HTTP
// statuses in this one place. Internal errors show an id only; the log has the details.
import "server-only";
import { isServiceError, type Permission, type Principal } from "../../engine";
import { currentPrincipal } from "./auth";
import { getEngine } from "./engine";

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

export function errorResponse(err: unknown): Response {
  if (isServiceError(err)) return json({ error: err.code, message: err.message }, err.status);
  if (err instanceof BadRequest) return json({ error: "bad_request", message: err.message }, 400);
  if (err instanceof PayloadTooLarge) return json({ error: "too_large", message: err.message }, 413);
  const id = Math.random().toString(36).slice(2, 10);
  getEngine().log.error("route failed", { id, error: (err as Error)?.stack ?? String(err) });
  return json({ error: "internal", message: `internal error (id ${id})` }, 500);
}

export class BadRequest extends Error {}

/** A request body over a route's cap (413). */
export class PayloadTooLarge extends Error {}

/** Runs `fn` for a signed-in principal holding `permission` (if given). */
export async function withPrincipal(
  permission: Permission | undefined,
  fn: (p: Principal) => Promise<Response>,
): Promise<Response> {
  try {
    const p = await currentPrincipal();
    if (!p) return json({ error: "unauthorized", message: "sign in first" }, 401);
    if (permission && !p.permissions.has(permission))
      return json({ error: "forbidden", message: `this needs the ${permission} permission` }, 403);
    return await fn(p);
  } catch (err) {
    return errorResponse(err);
  }
}

const MAX_BODY = 1024 * 1024;

/** The request's JSON body as an object, or a 400 with a clear message. `optional`: an empty body reads as {}. */
export async function readJsonObject(req: Request, opts: { optional?: boolean } = {}): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.length > MAX_BODY) throw new BadRequest("the request body is larger than 1 MiB");
  if (opts.optional && !text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new BadRequest("the request body must be a JSON object");
  return value as Record<string, unknown>;
}

/** What readBody and readQuery need of a zod schema (kept structural: this file imports no zod). */
type Checked<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } };

function problems(issues: Array<{ path: PropertyKey[]; message: string }>, whole: string): string {
  return issues.map((i) => `${i.path.map(String).join(".") || whole}: ${i.message}`).join("; ");
}

/**
 * The request's JSON body checked against a zod schema, or a 400 naming the fields (never
 * values). `optional`: a request without a body is checked as {}.
 */
export async function readBody<T>(req: Request, schema: Checked<T>, opts: { optional?: boolean } = {}): Promise<T> {
  const r = schema.safeParse(await readJsonObject(req, opts));
  if (!r.success) throw new BadRequest(problems(r.error.issues, "body"));
  return r.data;
}

/**
 * The request's query parameters checked against a zod schema, or a 400 naming the parameter
 * (never its value). An empty value counts as absent; of a repeated one the first counts, as
 * URLSearchParams.get() reads it.
 */
export function readQuery<T>(req: Request, schema: Checked<T>): T {
  const raw: Record<string, string> = {};
  for (const [k, v] of new URL(req.url).searchParams) if (v !== "" && !(k in raw)) raw[k] = v;
  const r = schema.safeParse(raw);
  if (!r.success) throw new BadRequest(problems(r.error.issues, "query"));
  return r.data;
}

/**
 * The raw request body, at most `max` bytes, for the few routes that take files (JSON routes
 * keep readBody's 1 MiB). A larger Content-Length is refused before reading; otherwise the body
 * is read as a stream and refused as soon as it passes `max`, so an oversized body is never
 * held whole. `what` names the body in the refusal.
 */
export async function readBytes(req: Request, max: number, what = "the request body"): Promise<Uint8Array> {
  const tooLarge = () => new PayloadTooLarge(`${what} is larger than ${max >= 1024 * 1024 ? `${max / (1024 * 1024)} MiB` : `${max} bytes`}`);
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
