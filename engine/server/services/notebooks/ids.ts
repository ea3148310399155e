// Notebook and cell id shapes: a prefix plus 13 base32hex characters (made by the cluster's id
// source, engine/server/cluster/ids.ts, so they are unique across processes).
const NOTEBOOK_ID = /^N\.[0-9A-V]{13}$/;
const CELL_ID = /^NC\.[0-9A-V]{13}$/;

export function isNotebookId(id: string): boolean {
  return NOTEBOOK_ID.test(id);
}

export function isCellId(id: string): boolean {
  return CELL_ID.test(id);
}
