// The VQL of the file browser's "Open in notebook" cell (pure; tested against a real agent's
// listing in engine/integration/vfs.test.ts): the rows of one directory from its
// System.VFS.ListDirectory flow, read with source().
const LIST_ARTIFACT = "System.VFS.ListDirectory";
const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Every row of the flow (`wholeFlow`: it listed only this directory), else those whose parent is `path`. */
export function listingVql(clientId: string, flowId: string, path: string, wholeFlow: boolean): string {
  const from = `FROM source(client_id=${quote(clientId)}, flow_id=${quote(flowId)}, artifact=${quote(LIST_ARTIFACT)})`;
  return `SELECT Name, Size, Mode, IsDir, IsLink, Mtime, Atime, Ctime, Btime, OSPath\n${from}${wholeFlow ? "" : `\nWHERE dirname(path=OSPath) = ${quote(path)}`}`;
}
