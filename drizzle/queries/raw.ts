// Results of raw statements in one shape: postgres.js returns an array of rows, PGlite an
// object with `rows`. Only the query modules use it.
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] } | undefined)?.rows ?? []) as T[];
}
