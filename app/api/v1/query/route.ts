// POST /api/v1/query {query, env?, timeoutSec?, maxRows?}: runs VQL on the server as the caller
// (session cookie, or `Authorization: Bearer <API key>`) and streams JSON lines:
//   {"type":"row","statement":0,"columns":[...],"row":{...}}
//   {"type":"log","level":"ERROR","message":"...","code":"VQL3004","span":{"start":7,"end":12},"at":"1:8","time":1700000000000}
//   {"type":"select-end","statement":0,"rows":12,"truncated":false}
//   {"type":"status","ok":true,"rows":12,"errors":0}            (always the last line; with
//      errors, "firstError":{"message":"...","code":"VQL3007","at":"2:6"} too)
// Closing the connection cancels the query. Needs ANY_QUERY. The caller's role limits apply:
// `timeoutSec`/`maxRows` above them are a 400, and a caller already running their role's
// number of queries and notebook cells gets a 429 (never a queue); see docs/notebooks.md.
import { getEngine } from "@/app/_server/engine";
import { readBody, withPrincipal } from "@/app/_server/respond";
import { QueryRequest } from "./schemas";

export const dynamic = "force-dynamic";

export function POST(req: Request) {
  return withPrincipal("ANY_QUERY", async (p) => {
    const body = await readBody(req, QueryRequest);
    const stream = await getEngine().api.query(p, body, req.signal);
    return new Response(stream, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
  });
}
