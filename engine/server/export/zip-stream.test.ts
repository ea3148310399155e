// The streamed zip writer: entries read back by another implementation (yauzl), entry names made
// safe from agent paths, one entry read at a time, and a failing source failing the download
// instead of ending a short archive that looks whole.
import { describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { createZipStream, safeEntryName } from "./zip-stream";

async function collect(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function entries(data: Buffer): Promise<Array<[string, string]>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: Array<[string, string]> = [];
      zip.on("end", () => resolve(out));
      zip.on("error", reject);
      zip.on("entry", (e: yauzl.Entry) =>
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on("data", (c: Buffer) => parts.push(c));
          s.on("end", () => {
            out.push([e.fileName, Buffer.concat(parts).toString("utf8")]);
            zip.readEntry();
          });
        }),
      );
      zip.readEntry();
    });
  });
}

describe("createZipStream", () => {
  it("writes entries from strings, bytes and async chunks, in order, readable by another zip reader", async () => {
    const zip = createZipStream();
    const body = collect(zip.body);
    async function* lines() {
      for (let i = 0; i < 3; i++) yield `line ${i}\n`;
      yield new TextEncoder().encode("bytes\n");
    }
    expect(await zip.add("a/lines.txt", lines())).toBe("line 0\nline 1\nline 2\nbytes\n".length);
    await zip.add("b.json", '{"x":1}\n');
    await zip.add("empty.txt", "");
    zip.end();
    expect(await entries(await body)).toEqual([
      ["a/lines.txt", "line 0\nline 1\nline 2\nbytes\n"],
      ["b.json", '{"x":1}\n'],
      ["empty.txt", ""],
    ]);
    expect(await zip.closed).toBe(true);
  });

  it("a source that throws fails the download and aborts the signal", async () => {
    const zip = createZipStream();
    async function* broken() {
      yield "some rows\n";
      throw new Error("the database went away");
    }
    const added = zip.add("r.json", broken());
    await expect(collect(zip.body)).rejects.toThrow("the database went away");
    await expect(added).rejects.toThrow("the database went away");
    expect(zip.signal.aborted).toBe(true);
    expect(await zip.closed).toBe(false);
  });

  it("cancelling the body aborts the signal and stops reading the source", async () => {
    const zip = createZipStream();
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield "x".repeat(100_000) + String(Math.random());
      }
    }
    const added = zip.add("big.txt", endless());
    const reader = zip.body.getReader();
    await reader.read();
    await reader.cancel();
    await expect(added).rejects.toThrow();
    expect(zip.signal.aborted).toBe(true);
    const at = pulled;
    await new Promise((r) => setTimeout(r, 50));
    expect(pulled).toBe(at);
    expect(await zip.closed).toBe(false);
  });
});

describe("safeEntryName", () => {
  it("keeps an agent's path inside the archive: no root, no drive colon, no . or .. segments", () => {
    expect(safeEntryName("uploads", "/etc/hostname")).toBe("uploads/etc/hostname");
    expect(safeEntryName("uploads", "/tmp/../../etc/passwd")).toBe("uploads/tmp/etc/passwd");
    expect(safeEntryName("uploads", "C:\\Users\\bob\\ntuser.dat")).toBe("uploads/C/Users/bob/ntuser.dat");
    expect(safeEntryName("uploads", "a//./b\u0000c")).toBe("uploads/a/b_c");
    expect(safeEntryName("", "..")).toBe("unnamed");
    expect(safeEntryName("results", "Art.Name/Source.json")).toBe("results/Art.Name/Source.json");
  });
});
