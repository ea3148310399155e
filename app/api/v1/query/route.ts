// POST /api/v1/query {query, env?, timeoutSec?, maxRows?}: runs VQL on the server as the caller
// (session cookie, or `Authorization: Bearer <API key>`) and streams JSON lines:
//   {"type":"row","statement":0,"columns":[...],"row":{...}}
//   {"type":"log","level":"ERROR","message":"...","code":"VQL3004","span":{"start":7,"end":12},"at":"1:8","time":1700000000000}
//   {"type":"select-end","statement":0,"rows":12,"truncated":false}
//   {"type":"status","ok":true,"rows":12,"errors":0}            (always the last line)
// Closing the connection cancels the query. Needs ANY_QUERY.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, readJsonObject, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("ANY_QUERY", async (p) => {
    const body = await readJsonObject(req);
    if (typeof body.query !== "string" || !body.query.trim()) throw new BadRequest("`query` must be VQL text");
    const env = body.env ?? {};
    if (typeof env !== "object" || Array.isArray(env)) throw new BadRequest("`env` must be an object of variables");
    const engine = getEngine();
    const events = engine.queries.run(body.query, {
      principal: p,
      env: env as Record<string, unknown>,
      signal: req.signal,
      timeoutMs: typeof body.timeoutSec === "number" && body.timeoutSec > 0 ? body.timeoutSec * 1000 : 600_000,
      maxRows: typeof body.maxRows === "number" && body.maxRows > 0 ? body.maxRows : undefined,
      notebooks: engine.notebooks,
    });
    return new Response(engine.api.queryLines(events, body.query), { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
  });
}
