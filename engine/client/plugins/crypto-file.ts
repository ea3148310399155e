// write_crypto_file(): Velociraptor's encrypted local storage file (Generic.Client.LocalLogs).
// The rows of `query` are passed on and also written to `filename` in batches (every max_rows
// rows, and at least every max_wait seconds), each batch sealed to the server's crypto-file
// public key from the agent's last welcome, so only the server can read the file back
// (read_crypto_file() once it is uploaded). Before a batch that would take the file past
// max_size, the file is truncated and starts again with that batch. Talon's frame format, not
// Velociraptor's bytes: engine/endpoint/crypto-file/format.ts, docs/crypto-file.md.
import { arg, definePlugin, abortable, untilAborted, toJsonText, type BuiltinContext } from "@/engine/vql";
import { diagnosticsOf } from "@/engine/endpoint/diagnostics/diagnostics";
import { CryptoFileError, encodeRows, sealFrame, serverPublicKey } from "@/engine/endpoint/crypto-file/format";
import { agentHost } from "./host";
import { writerOf } from "./write";

const DEFAULT_MAX_ROWS = 1000;
const DEFAULT_MAX_WAIT = 60;
const DEFAULT_MAX_SIZE = 1024 * 1024 * 1024;

async function serverKeyOf(ctx: BuiltinContext): Promise<string | undefined> {
  let key: string | undefined;
  try {
    const d = diagnosticsOf(ctx.host);
    key = d.serverPublicKey ? await untilAborted(Promise.resolve(d.serverPublicKey()), ctx.signal) : undefined;
  } catch (err) {
    ctx.signal.throwIfAborted();
    ctx.log("ERROR", `write_crypto_file: ${(err as Error).message}`);
    return undefined;
  }
  if (!key) {
    ctx.log("ERROR", "write_crypto_file: this agent has no server public key yet (a Talon server sends it when the agent connects)");
    return undefined;
  }
  try {
    serverPublicKey(key);
  } catch (err) {
    ctx.log("ERROR", `write_crypto_file: ${(err as CryptoFileError).message}`);
    return undefined;
  }
  return key;
}

export const writeCryptoFilePlugin = definePlugin({
  name: "write_crypto_file",
  category: "client",
  doc: "Write a query into an encrypted local storage file. Each batch of rows is sealed to the server's public key (only the server can read it back, with read_crypto_file()); the rows are passed on.",
  args: {
    filename: arg.string().required().doc("Path to the file to write"),
    query: arg.query().required().doc("query to write into the file."),
    max_wait: arg.int().doc("How often to flush the file (default 60 sec)."),
    max_rows: arg.int().doc("How many rows to buffer before writing (default 1000)."),
    max_size: arg.int().doc("When the file grows to this size, truncate it (default 1Gb)."),
  },
  permissions: ["FILESYSTEM_WRITE"],
  platforms: ["client"],
  async *run({ filename, query, max_wait, max_rows, max_size }, ctx) {
    const w = writerOf(ctx);
    if (!w) return;
    const key = await serverKeyOf(ctx);
    if (!key) return;
    const maxRows = max_rows && max_rows > 0 ? max_rows : DEFAULT_MAX_ROWS;
    const maxWait = max_wait && max_wait > 0 ? max_wait : DEFAULT_MAX_WAIT;
    const maxSize = max_size && max_size > 0 ? max_size : DEFAULT_MAX_SIZE;
    let size = (await agentHost(ctx.host).system.fs.stat(filename).catch(() => undefined))?.Size ?? 0;
    let buffer: string[] = [];
    // Batches are written one after the other, in order, whichever of rows or the timer asked.
    let chain: Promise<void> = Promise.resolve();
    const writeBatch = async (rows: string[]) => {
      const frame = sealFrame(encodeRows(rows), key);
      const restart = size > 0 && size + frame.length > maxSize;
      const sink = await w.open(filename, { append: !restart, mode: 0o600 });
      try {
        await sink.write(frame);
      } finally {
        await sink.close();
      }
      size = restart ? frame.length : size + frame.length;
    };
    const flush = (): Promise<void> => {
      if (!buffer.length) return chain;
      const rows = buffer;
      buffer = [];
      chain = chain.then(() => writeBatch(rows)).catch((err: unknown) => ctx.log("ERROR", `write_crypto_file: ${filename}: ${(err as Error).message}`));
      return chain;
    };
    const timer = setInterval(() => void flush(), maxWait * 1000);
    timer.unref?.();
    try {
      for await (const row of abortable(query.rows(), ctx.signal)) {
        buffer.push(toJsonText(row));
        if (buffer.length >= maxRows) await untilAborted(flush(), ctx.signal);
        yield row;
      }
    } finally {
      clearInterval(timer);
      // The rows still buffered are written even when the query is cancelled: a local write.
      await flush();
    }
  },
});
