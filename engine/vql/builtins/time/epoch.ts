/**
 * Epoch numbers to timestamps, auto-detecting the unit by magnitude the way Velociraptor's
 * timestamp() does: above 2e16 nanoseconds, above 2e13 microseconds, above 2e10 milliseconds,
 * else seconds (a fraction is kept).
 */
import { Timestamp } from "../../values/timestamp";

export function epochToTimestamp(n: number): Timestamp {
  const a = Math.abs(n);
  if (a > 2e16) {
    const s = Math.floor(n / 1e9);
    return new Timestamp(s, n - s * 1e9);
  }
  if (a > 2e13) {
    const s = Math.floor(n / 1e6);
    return new Timestamp(s, (n - s * 1e6) * 1000);
  }
  if (a > 2e10) return Timestamp.fromMillis(n);
  return new Timestamp(n);
}
