// Where an alert points: its client, the flow that raised it, its artifact, or the notebook
// cell whose query raised it. Undefined where there is nothing to link to.
const enc = encodeURIComponent;

export function clientHref(clientId: string): string | undefined {
  return clientId.startsWith("C.") ? `/clients/${enc(clientId)}` : undefined;
}

export function flowHref(clientId: string, flowId: string): string | undefined {
  return clientId.startsWith("C.") && flowId ? `/clients/${enc(clientId)}?flow=${enc(flowId)}` : undefined;
}

/** `Artifact/Source` names link to the artifact. */
export function artifactHref(artifact: string): string | undefined {
  const name = artifact.split("/")[0] ?? "";
  return name ? `/artifacts/${enc(name)}` : undefined;
}

export function notebookHref(notebookId: string, cellId: string): string | undefined {
  if (!notebookId) return undefined;
  return `/notebooks/${enc(notebookId)}${cellId ? `?cell=${enc(cellId)}` : ""}`;
}
