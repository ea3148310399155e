// collect(password=...): Velociraptor's protected container (reporting/container.go): an outer
// ZIP holding `metadata.json` (when there is metadata, in the clear) and `data.zip`, the whole
// container, stored (no compression) and encrypted with WinZip AES-256 under the password, so
// 7-Zip, WinZip and Velociraptor open it. Written with @zip.js/zip.js (AES, in this thread),
// reading the container back from the temp file it was written to.
import { configure, ZipWriter } from "@zip.js/zip.js";
import { untilAborted } from "@/engine/vql";
import type { EndpointFs, FileSink } from "@/engine/endpoint/builtins/system";

configure({ useWebWorkers: false });

export async function writeProtected(o: { sink: FileSink; fs: EndpointFs; dataPath: string; password: string; metadata?: string; signal: AbortSignal }): Promise<void> {
  const out = new WritableStream<Uint8Array>({ write: (chunk) => o.sink.write(chunk) });
  const zip = new ZipWriter(out, { signal: o.signal });
  if (o.metadata !== undefined) await untilAborted(zip.add("metadata.json", new Blob([o.metadata]).stream()), o.signal);
  const data = o.fs.read(o.dataPath, { signal: o.signal })[Symbol.asyncIterator]();
  const readable = new ReadableStream<Uint8Array>({
    async pull(c) {
      const r = await data.next();
      if (r.done) c.close();
      else c.enqueue(r.value);
    },
    async cancel() {
      await data.return?.();
    },
  });
  await untilAborted(zip.add("data.zip", readable, { password: o.password, encryptionStrength: 3, level: 0 }), o.signal);
  await untilAborted(zip.close(), o.signal);
}
