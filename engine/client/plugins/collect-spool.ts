// One collected source's rows on their way into the container: written as they come to a temp
// file on the endpoint (JSON lines, and CSV with a header from the first row's columns when
// asked), with the row offsets kept for the `.index`; read back from the file only when the
// archive reaches the member. So a source of millions of rows never sits in memory, and an
// upload() inside the source can be written to the archive meanwhile.
import { isDictLike, toJsonText, toJsonValue, untilAborted } from "@/engine/vql";
import type { EndpointFs, EndpointWriter, FileSink } from "@/engine/endpoint/builtins/system";
import { csvField } from "./write";

export class Spool {
  rows = 0;
  private offset = 0;
  private offsets: bigint[] = [];
  private columns?: string[];

  private constructor(
    private readonly json: { path: string; sink: FileSink } | undefined,
    private readonly csv: { path: string; sink: FileSink } | undefined,
    private readonly signal: AbortSignal,
  ) {}

  static async open(w: EndpointWriter, dir: string, n: number, o: { json: boolean; csv: boolean }, signal: AbortSignal): Promise<Spool> {
    const open = async (ext: string) => {
      const path = `${dir}/q${n}.${ext}`;
      return { path, sink: await untilAborted(w.open(path, { mode: 0o600 }), signal, (late) => late.close()) };
    };
    const json = o.json ? await open("jsonl") : undefined;
    const csv = o.csv ? await open("csv").catch(async (err) => {
      await json?.sink.close();
      throw err;
    }) : undefined;
    return new Spool(json, csv, signal);
  }

  async write(row: unknown): Promise<void> {
    if (this.json) {
      const line = toJsonText(row) + "\n";
      this.offsets.push(BigInt(this.offset));
      this.offset += Buffer.byteLength(line);
      await untilAborted(this.json.sink.write(line), this.signal);
    }
    if (this.csv) {
      const v = toJsonValue(row);
      let text = "";
      if (!this.columns) {
        this.columns = isDictLike(v) ? Object.keys(v) : ["_value"];
        text = this.columns.map(csvField).join(",") + "\n";
      }
      text += this.columns.map((c) => csvField(isDictLike(v) ? (v as Record<string, unknown>)[c] : v)).join(",") + "\n";
      await untilAborted(this.csv.sink.write(text), this.signal);
    }
    this.rows++;
  }

  private closed?: Promise<unknown>;

  /** Closes the files (once, however often it is called). */
  async close(): Promise<void> {
    this.closed ??= Promise.all([this.json?.sink.close(), this.csv?.sink.close()]);
    await this.closed;
  }

  /** The `.index`: one little-endian int64 offset per row. */
  index(): Buffer {
    const b = Buffer.alloc(this.offsets.length * 8);
    this.offsets.forEach((o, i) => b.writeBigInt64LE(o, i * 8));
    return b;
  }

  /** The spooled JSON lines or CSV, read from the endpoint's file. */
  reader(fs: EndpointFs, kind: "json" | "csv"): (() => AsyncIterable<Uint8Array>) | undefined {
    const f = kind === "json" ? this.json : this.csv;
    return f ? () => fs.read(f.path, { signal: this.signal }) : undefined;
  }
}
