// A hunt's safety rails: the limits past which the manager stops a running hunt by itself, and
// the sentence it records as the hunt's stop_reason. Errors are judged only once enough clients
// have finished (MIN_FINISHED_FOR_ERROR_RAIL) so two early failures do not stop a fleet-wide
// hunt; totals are the hunt's stored rows and uploaded bytes (the sums over its clients).
import type { HuntCounts, HuntRecord } from "@/drizzle";
import { MIN_FINISHED_FOR_ERROR_RAIL } from "@/engine/server/contracts";

/** Why the hunt must stop now, or undefined while it is within its rails. */
export function railBreached(h: Pick<HuntRecord, "maxErrorPercent" | "maxTotalRows" | "maxTotalUploadBytes">, c: HuntCounts): string | undefined {
  const finished = c.completed + c.withResults + c.errors;
  if (h.maxErrorPercent > 0 && finished >= MIN_FINISHED_FOR_ERROR_RAIL && c.errors * 100 > h.maxErrorPercent * finished) {
    return `${c.errors} of ${finished} finished clients failed (${Math.round((c.errors * 1000) / finished) / 10}%), more than max_error_percent ${h.maxErrorPercent}%`;
  }
  const maxRows = Number(h.maxTotalRows);
  if (maxRows > 0 && c.totalRows > maxRows) return `the hunt collected ${c.totalRows} rows, more than max_total_rows ${maxRows}`;
  const maxBytes = Number(h.maxTotalUploadBytes);
  if (maxBytes > 0 && c.uploadedBytes > maxBytes) return `the hunt uploaded ${c.uploadedBytes} bytes, more than max_total_upload_bytes ${maxBytes}`;
  return undefined;
}
