// readBody and readQuery: a request's JSON body or query string checked against a zod schema,
// a BadRequest naming the field (never the value) otherwise; an optional body may be left out.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

vi.mock("server-only", () => ({}));
vi.mock("./auth", () => ({ currentPrincipal: async () => undefined }));
vi.mock("./engine", () => ({ getEngine: () => ({ log: { error() {} } }) }));
const { BadRequest, readBody, readQuery } = await import("./respond");

const Body = z.object({ name: z.string().max(5), count: z.number().int().default(1) });
const post = (body?: string) => new Request("http://localhost/api/x", { method: "POST", body });
const refusal = (p: Promise<unknown>) => p.then(() => "accepted", (e: unknown) => (e instanceof BadRequest ? e.message : `not a BadRequest: ${String(e)}`));

describe("readBody", () => {
  it("gives the parsed body with its defaults", async () => {
    expect(await readBody(post('{"name":"ab"}'), Body)).toEqual({ name: "ab", count: 1 });
  });

  it("refuses naming the field, never its value", async () => {
    const said = await refusal(readBody(post('{"name":"secret-value","count":2}'), Body));
    expect(said).toMatch(/^name: /);
    expect(said).not.toContain("secret-value");
    expect(await refusal(readBody(post('{"count":1.5,"name":"a"}'), Body))).toMatch(/^count: /);
  });

  it("an empty body is {} only when the body is optional; invalid JSON is refused either way", async () => {
    const Optional = z.object({ name: z.string().optional() });
    expect(await readBody(post(), Optional, { optional: true })).toEqual({});
    expect(await readBody(post("  "), Optional, { optional: true })).toEqual({});
    expect(await refusal(readBody(post(), Optional))).toMatch(/not valid JSON/);
    expect(await refusal(readBody(post("{nope"), Optional, { optional: true }))).toMatch(/not valid JSON/);
    expect(await refusal(readBody(post("[1]"), Optional, { optional: true }))).toBe("the request body must be a JSON object");
  });
});

describe("readQuery", () => {
  const Query = z.object({ limit: z.coerce.number().int().min(1).default(50), q: z.string().optional() });
  const get = (qs: string) => new Request(`http://localhost/api/x?${qs}`);

  it("coerces, defaults, treats an empty value as absent and reads the first of a repeat", () => {
    expect(readQuery(get(""), Query)).toEqual({ limit: 50 });
    expect(readQuery(get("limit=&q="), Query)).toEqual({ limit: 50 });
    expect(readQuery(get("limit=7&limit=9&q=a%20b"), Query)).toEqual({ limit: 7, q: "a b" });
  });

  it("refuses naming the parameter", () => {
    expect(() => readQuery(get("limit=0"), Query)).toThrow(BadRequest);
    expect(() => readQuery(get("limit=many"), Query)).toThrow(/^limit: /);
  });
});
