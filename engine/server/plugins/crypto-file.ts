// read_crypto_file() on the server: the rows of a file an agent wrote with write_crypto_file()
// (Generic.Client.LocalLogs), once it is back on the server (Generic.Client.LocalLogsRetrieve
// uploads it). Frames are split here, in the query's worker; each sealed batch is opened by the
// crypto files service, which alone holds the server's private key. A truncated or damaged file
// yields the batches before the damage, then logs where and why it stopped. Accessors: auto and
// file (the server's own files), fs (a file-store path) and data (`filename` is the content).
import { createReadStream } from "node:fs";
import { arg, definePlugin, abortable, untilAborted, type BuiltinContext } from "@/engine/vql";
import { parseJsonOrdered } from "@/engine/vql/builtins/text/json-parse";
import { CryptoFileError, frames } from "@/engine/endpoint/crypto-file/format";
import type { Principal, VqlServices } from "@/engine/server/contracts";
import { fileStoreOf, serverHost } from "./host";

type CryptoFiles = NonNullable<VqlServices["cryptoFiles"]>;

const FILE_ACCESSORS = new Set(["", "auto", "file"]);

async function openFile(ctx: BuiltinContext, filename: string, accessor: string): Promise<AsyncIterable<Uint8Array> | string> {
  const host = serverHost(ctx.host);
  if (accessor === "data") {
    const bytes = Buffer.from(filename, "latin1");
    return (async function* () {
      yield bytes;
    })();
  }
  if (accessor === "fs") {
    const local = await fileStoreOf(host.services).localPath(host.principal, filename);
    return createReadStream(local, { signal: ctx.signal }) as AsyncIterable<Uint8Array>;
  }
  if (!FILE_ACCESSORS.has(accessor)) return `accessor \`${accessor}\` is not available on the server (use auto, file, fs or data)`;
  if (!host.system) return "this query has no access to the server's file system";
  const info = await host.system.fs.stat(filename);
  if (!info) return `Unable to open ${filename}: no such file`;
  return host.system.fs.read(filename, { signal: ctx.signal });
}

export const readCryptoFilePlugin = definePlugin({
  name: "read_crypto_file",
  category: "server",
  doc: "Read a previously stored encrypted local storage file (written by write_crypto_file() on an agent of this server): its rows, in the order they were written.",
  args: {
    filename: arg.string().required().doc("Path to the file to read"),
    accessor: arg.string().doc("The accessor to use"),
  },
  permissions: ["FILESYSTEM_READ"],
  platforms: ["server"],
  async *run({ filename, accessor }, ctx) {
    let opened: { cryptoFiles: CryptoFiles; principal: Principal };
    let chunks: AsyncIterable<Uint8Array> | string;
    try {
      const host = serverHost(ctx.host);
      if (!host.services.cryptoFiles) throw new Error("this query was not given the crypto files service");
      opened = { cryptoFiles: host.services.cryptoFiles, principal: host.principal };
      chunks = await untilAborted(openFile(ctx, filename, accessor ?? "auto"), ctx.signal);
    } catch (err) {
      ctx.signal.throwIfAborted();
      return void ctx.log("ERROR", `read_crypto_file: ${(err as Error).message}`);
    }
    if (typeof chunks === "string") return void ctx.log("ERROR", `read_crypto_file: ${chunks}`);
    try {
      for await (const frame of abortable(frames(chunks), ctx.signal)) {
        const plain = await untilAborted(opened.cryptoFiles.decryptBatch(opened.principal, frame.toString("base64")), ctx.signal);
        for (const line of plain.split("\n")) if (line) yield parseJsonOrdered(line, false);
      }
    } catch (err) {
      ctx.signal.throwIfAborted();
      const message = err instanceof CryptoFileError ? err.message : (err as Error).message;
      // With accessor data, `filename` is the file's bytes: not for a log line.
      ctx.log("ERROR", `read_crypto_file: ${accessor === "data" ? "the data" : filename}: ${message}`);
    }
  },
});
