// VQL text the inbox writes for people (the context query, "Open in notebook" cells): string
// literals escaped as VQL reads them, times as RFC 3339 text that source() accepts.
export function vqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r")}'`;
}

export function vqlTime(d: Date): string {
  return vqlString(d.toISOString());
}
