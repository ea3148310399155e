// The hunt results route's paging over the service's row stream: the rows of the page, whether
// more follow, the columns (ClientId, Fqdn, FlowId first), and that the stream is left as soon as
// the page is known (a deep hunt is not read to its end for one page).
import { describe, expect, it } from "vitest";
import { pageOfRows } from "./results-page";

function stream(n: number, read: { count: number; closed: boolean }) {
  return (async function* () {
    try {
      for (let i = 0; i < n; i++) {
        read.count++;
        yield { Name: `r${i}`, ...(i % 2 ? { Extra: i } : {}), ClientId: `C.${i}`, FlowId: `F.${i}.H`, Fqdn: `h${i}` };
      }
    } finally {
      read.closed = true;
    }
  })();
}

describe("pageOfRows", () => {
  it("skips the offset, keeps the limit and says more follow, reading one row past the page", async () => {
    const read = { count: 0, closed: false };
    const page = await pageOfRows(stream(10, read), 3, 4);
    expect(page.rows.map((r) => r.Name)).toEqual(["r3", "r4", "r5", "r6"]);
    expect(page.more).toBe(true);
    expect(read).toEqual({ count: 8, closed: true });
    expect(page.columns).toEqual(["ClientId", "Fqdn", "FlowId", "Name", "Extra"]);
  });

  it("the last page has no more; past the end is empty", async () => {
    const last = await pageOfRows(stream(5, { count: 0, closed: false }), 3, 4);
    expect(last.rows.map((r) => r.Name)).toEqual(["r3", "r4"]);
    expect(last.more).toBe(false);
    const past = await pageOfRows(stream(5, { count: 0, closed: false }), 9, 4);
    expect(past).toEqual({ rows: [], columns: [], more: false });
  });

  it("a page that ends exactly at the end has no more", async () => {
    const exact = await pageOfRows(stream(4, { count: 0, closed: false }), 0, 4);
    expect(exact.rows).toHaveLength(4);
    expect(exact.more).toBe(false);
  });
});
