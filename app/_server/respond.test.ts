// readBody, readQuery and readBytes: a request's JSON body or query string checked against a zod
// schema, a BadRequest naming the field (never the value) otherwise; an optional body may be left
// out; a raw body read up to a cap (413 past it, refused before the whole body is held).
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

vi.mock("server-only", () => ({}));
vi.mock("./auth", () => ({ currentPrincipal: async () => undefined }));
vi.mock("./engine", () => ({ getEngine: () => ({ log: { error() {} } }) }));
const { BadRequest, PayloadTooLarge, errorResponse, readBody, readBytes, readQuery } = await import("./respond");

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

describe("readBytes", () => {
  const put = (body: BodyInit | null, headers: Record<string, string> = {}) => new Request("http://localhost/api/x", { method: "PUT", body, headers, duplex: "half" } as RequestInit);
  const streamOf = (chunks: number[], size: number) => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulled >= chunks.length) return c.close();
        c.enqueue(new Uint8Array(size).fill(chunks[pulled++]!));
      },
    });
    return { stream, pulled: () => pulled };
  };

  it("gives the bytes of a body up to the cap, and an empty body as no bytes", async () => {
    expect(Array.from(await readBytes(put(new Uint8Array([1, 2, 3])), 3))).toEqual([1, 2, 3]);
    const { stream } = streamOf([7, 8], 4);
    expect(Array.from(await readBytes(put(stream), 8))).toEqual([7, 7, 7, 7, 8, 8, 8, 8]);
    expect((await readBytes(put(null), 10)).length).toBe(0);
  });

  it("refuses a declared Content-Length over the cap before reading, and a stream as soon as it passes it", async () => {
    await expect(readBytes(put("x", { "content-length": String(11 * 1024 * 1024) }), 10 * 1024 * 1024, "a tool's file")).rejects.toThrow("a tool's file is larger than 10 MiB");
    const s = streamOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100);
    await expect(readBytes(put(s.stream), 250)).rejects.toBeInstanceOf(PayloadTooLarge);
    expect(s.pulled()).toBeLessThan(6);
    const res = errorResponse(new PayloadTooLarge("the request body is larger than 250 bytes"));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "too_large", message: "the request body is larger than 250 bytes" });
  });
});
