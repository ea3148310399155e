// A zip download as an HTTP response: attachment with its file name, no caching, no sniffing.
// The length is not known in advance (the archive is written as it is sent), so there is no
// Content-Length: the browser shows the bytes received so far (see docs/downloads.md).
import "server-only";

export function zipResponse(d: { filename: string; body: ReadableStream<Uint8Array> }): Response {
  return new Response(d.body, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${d.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
