// The server's diagnostics: the engine's logger wrapped by withRing() keeps every line (INFO
// too) with secret-looking fields redacted, and serverDiagnostics() answers from that ring and
// the query log.
import { describe, expect, it } from "vitest";
import { LogRing } from "@/engine/endpoint/diagnostics/log-ring";
import { QueryLog } from "@/engine/endpoint/diagnostics/query-log";
import { serverDiagnostics } from "./diagnostics";
import { createLogger, withRing } from "./log";

describe("server diagnostics", () => {
  it("withRing() keeps the logger's lines with secrets redacted, as the logger writes them", async () => {
    const ring = new LogRing();
    const written: string[] = [];
    const log = withRing(createLogger({ write: (l) => written.push(l) }), ring);
    log.info("login", { user: "alice", password: "pw", Authorization: "Bearer x" });
    log.error("boom");
    const d = serverDiagnostics(ring, new QueryLog());
    expect((await d.logs(0)).map((l) => [l.level, l.msg, l.component])).toEqual([
      ["INFO", "login user=alice password=[redacted] Authorization=[redacted]", "server"],
      ["ERROR", "boom", "server"],
    ]);
    expect(written[0]).toMatch(/ INFO login user=alice password=\[redacted\] Authorization=\[redacted\]$/);
    expect((await d.logs(1)).map((l) => l.msg)).toEqual(["boom"]);
  });

  it("answers the query log and the process metrics", async () => {
    const queries = new QueryLog();
    queries.begin("SELECT * FROM info()");
    const d = serverDiagnostics(new LogRing(), queries);
    expect((await d.queries()).map((q) => [q.Query, q.Duration])).toEqual([["SELECT * FROM info()", 0]]);
    const names = (await d.metrics()).map((m) => m.name);
    expect(names).toContain("process_resident_memory_bytes");
    expect(names).toContain("process_heap_used_bytes");
  });
});
