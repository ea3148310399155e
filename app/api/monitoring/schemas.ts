// Request bodies and query parameters of the monitoring routes, checked with zod.
import { z } from "zod";
import { BadRequest } from "@/app/_server/respond";

const value = z.union([z.string(), z.number(), z.boolean()]);
export const Change = z.object({ artifact: z.string().min(1).max(300), parameters: z.record(z.string(), value).default({}) });
export const ClientChange = Change.extend({ label: z.string().max(200).optional() });
export const ServerTable = z.object({ artifacts: z.array(Change).max(200) });
export const ClientTable = z.object({
  artifacts: z.array(Change).max(200).default([]),
  labelEvents: z.array(z.object({ label: z.string().min(1).max(200), artifacts: z.array(Change).max(200) })).max(200).default([]),
});

/** `start` and `end` query parameters (epoch seconds or ISO text), or a 400 naming the bad one. */
export function timeRange(params: URLSearchParams): { start?: Date; end?: Date } {
  try {
    return { start: timeParam(params.get("start")), end: timeParam(params.get("end")) };
  } catch (err) {
    throw new BadRequest((err as Error).message);
  }
}

/** A time query parameter: epoch seconds or ISO text; undefined when absent. */
export function timeParam(v: string | null): Date | undefined {
  if (v === null || v === "") return undefined;
  const d = /^\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`\`${v}\` is not a time (epoch seconds or ISO 8601)`);
  return d;
}
