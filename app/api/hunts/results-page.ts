// One page of a stream of result rows (pure, unit-tested): skips `offset` rows, keeps `limit`,
// reads one more only to learn whether more follow, then stops the stream (the for-await's
// return ends the producer); the union of the page's columns with ClientId, Fqdn, FlowId first.

export async function pageOfRows(rows: AsyncIterable<Record<string, unknown>>, offset: number, limit: number) {
  const page: Record<string, unknown>[] = [];
  const columns: string[] = [];
  let seen = 0;
  let more = false;
  for await (const row of rows) {
    if (seen++ < offset) continue;
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push(row);
    for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  }
  const lead = ["ClientId", "Fqdn", "FlowId"].filter((c) => columns.includes(c));
  return { rows: page, columns: [...lead, ...columns.filter((c) => !lead.includes(c))], more };
}
