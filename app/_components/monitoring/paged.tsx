"use client";
// Offset paging for lists the server pages without a total (event rows, event logs): Previous,
// the range shown, and Next while the last page came back full.
export function OffsetPager({ offset, limit, count, onPage, testId }: { offset: number; limit: number; count: number; onPage(offset: number): void; testId?: string }) {
  return (
    <div className="pager" data-testid={testId}>
      <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        Previous
      </button>
      <span className="muted">{count === 0 ? (offset ? "no more" : "none") : `${(offset + 1).toLocaleString()}–${(offset + count).toLocaleString()}`}</span>
      <button type="button" disabled={count < limit} onClick={() => onPage(offset + limit)}>
        Next
      </button>
    </div>
  );
}

/** A query string from the parameters that have a value. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  return q.toString();
}
