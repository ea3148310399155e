// POST /api/monitoring/backtest {yaml, parameters, hours, maxRows}: runs an event artifact over
// the stored history of the queues it watches and answers what it would have produced and done
// (BacktestResult), changing nothing. COLLECT_SERVER or COLLECT_CLIENT by the artifact's type
// (checked by the service).
import { z } from "zod";
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

const Body = z.object({
  yaml: z.string().min(1).max(1_000_000),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  hours: z.number().min(1).max(720),
  maxRows: z.number().int().min(1).max(100_000).optional(),
});

export function POST(req: Request) {
  return withPrincipal(undefined, async (p) => json(await getEngine().backtest.backtest(p, await readBody(req, Body))));
}
