import { describe, expect, it } from "vitest";
import { createIdSource } from "../../cluster/ids";
import { isCellId, isNotebookId } from "./ids";

describe("notebook ids", () => {
  it("the cluster's notebook and cell ids pass isNotebookId/isCellId, and malformed ones do not", () => {
    const ids = createIdSource(() => 5, () => Date.now());
    expect(isNotebookId(ids.notebookId())).toBe(true);
    expect(isCellId(ids.cellId())).toBe(true);
    expect(isNotebookId(ids.cellId())).toBe(false);
    expect(isNotebookId("N.../etc")).toBe(false);
  });
});
