// Notebooks end to end, one user: template → completion → squiggle → run with streaming rows →
// paging 100,000 rows → CSV download → Markdown that cannot run scripts → undo → promote to a
// SERVER_EVENT artifact.
import { readFileSync } from "node:fs";
import { expect, test, unique } from "./fixtures";
import { NotebookPage } from "./pages/notebook-page";

test("a notebook from a template: completion, squiggle, streaming run, 100k rows paged, CSV, safe Markdown, undo", async ({ adminPage: page }) => {
  test.setTimeout(180_000);
  // Monaco and everything else come from this server: no request leaves it (no CDN).
  const foreign: string[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(u.hostname) && !u.protocol.startsWith("data") && !u.protocol.startsWith("blob")) foreign.push(r.url());
  });
  const nb = new NotebookPage(page);
  const name = unique("Triage ");
  await nb.createFromTemplate("Blank notebook", name);
  await expect(nb.cells()).toHaveCount(1);

  // Completion accepted from the list.
  await nb.editor(0).click();
  await page.keyboard.type("SELECT * FROM ran");
  const suggest = page.locator(".suggest-widget .monaco-list-row", { hasText: "range" }).first();
  await expect(suggest).toBeVisible();
  await page.keyboard.press("Enter");
  await expect.poll(() => nb.editorText(0)).toBe("SELECT * FROM range()");
  await page.keyboard.type("end=100000");
  await expect.poll(() => nb.editorText(0)).toBe("SELECT * FROM range(end=100000)");

  // A squiggle where the syntax error is: `FROM` with nothing after it, line 2.
  await nb.setEditorText(0, "SELECT *\nFROM ");
  await expect.poll(async () => (await nb.markers(0)).filter((m) => m.severity === 8).map((m) => [m.line, m.col])).toEqual([[2, 6]]);
  await expect(nb.cell(0).locator(".squiggly-error")).toHaveCount(1);
  await nb.setEditorText(0, "SELECT * FROM range(end=100000)");
  await expect.poll(async () => (await nb.markers(0)).length).toBe(0);

  // Run: rows stream in, the table pages 100,000 rows from the server.
  const t0 = Date.now();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(nb.table(0).getByTestId("results-row").first()).toBeVisible();
  const firstRowMs = Date.now() - t0;
  test.info().annotations.push({ type: "first-row-ms", description: String(firstRowMs) });
  await expect(nb.table(0).getByTestId("results-total")).toHaveText("100,000 rows", { timeout: 60_000 });
  await expect(nb.cell(0)).toHaveAttribute("data-status", "done");
  // Editing the text after the run says so; back to the text that ran, it does not.
  await expect(nb.cell(0).getByTestId("changed-since-run")).toHaveCount(0);
  await nb.setEditorText(0, "SELECT * FROM range(end=100001)");
  await expect(nb.cell(0).getByTestId("changed-since-run")).toHaveText("changed since run");
  await nb.setEditorText(0, "SELECT * FROM range(end=100000)");
  await expect(nb.cell(0).getByTestId("changed-since-run")).toHaveCount(0);
  await expect(page).toHaveTitle(/ · Talon$/);

  const scroller = nb.table(0).locator(".rt-scroll");
  const visibleValues = () =>
    nb.table(0).locator(".rt-row .rt-num").evaluateAll((cells) => cells.map((c) => Number(c.textContent)).filter((n) => Number.isFinite(n)));
  for (const target of [0.5, 0.999, 0.25]) {
    const s0 = Date.now();
    await scroller.evaluate((el, f) => (el.scrollTop = f * (el.scrollHeight - el.clientHeight)), target);
    const expected = Math.floor(target * 100_000);
    await expect.poll(async () => (await visibleValues()).some((v) => Math.abs(v - expected) < 30), { timeout: 15_000 }).toBe(true);
    test.info().annotations.push({ type: `page-${target}-ms`, description: String(Date.now() - s0) });
  }
  // The page stays responsive while scrolling: a frame loop keeps ticking.
  const frameGap = await scroller.evaluate(async (el) => {
    const gaps: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 60; i++) {
      el.scrollTop = Math.random() * el.scrollHeight;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    gaps.sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length * 0.95)]!;
  });
  test.info().annotations.push({ type: "scroll-frame-p95-ms", description: frameGap.toFixed(1) });
  // Not a speed target (bench:notebook measures that): only a page frozen for a second fails.
  expect(frameGap).toBeLessThan(1000);

  // Sorting is done by the server: descending puts 99999 first.
  await nb.table(0).getByTestId("sort-_value").click();
  await nb.table(0).getByTestId("sort-_value").click();
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(nb.table(0).locator(".rt-row").first().locator(".rt-num")).toHaveText("99999", { timeout: 30_000 });

  // CSV download of the whole table.
  const [download] = await Promise.all([page.waitForEvent("download"), nb.table(0).getByTestId("download-csv").click()]);
  const csv = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
  expect(csv[0]).toBe("_value");
  expect(csv.length).toBe(100_001);

  // A Markdown cell with a script: shown as text, never run.
  await page.getByTestId("add-markdown").click();
  await expect(nb.cells()).toHaveCount(2);
  await nb.editor(1).click();
  await page.keyboard.insertText("# Notes\n\n<script>window.__pwned = 1</script>\n\n<img src=x onerror=\"window.__pwned = 2\">");
  await nb.cell(1).getByTestId("markdown-done").click();
  const view = nb.cell(1).getByTestId("markdown-view");
  await expect(view.locator("h1")).toHaveText("Notes");
  await expect(view).toContainText("<script>window.__pwned = 1</script>");
  await expect(view.locator("script, img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // Undo a cell edit: the edited text goes back to what was run.
  await nb.setEditorText(0, "SELECT 1 AS One FROM scope()");
  await nb.cell(0).getByTestId("undo-cell").click();
  await expect.poll(() => nb.editorText(0)).toBe("SELECT * FROM range(end=100000)");
  await nb.cell(0).getByTestId("redo-cell").click();
  await expect.poll(() => nb.editorText(0)).toBe("SELECT 1 AS One FROM scope()");

  // A run that logged an error says so in its status, with the first error above the output;
  // the message's line:col puts the editor's cursor there.
  await nb.setEditorText(0, "SELECT *\nFROM no_such_plugin()");
  await nb.run(0);
  await expect(nb.cell(0).getByTestId("cell-status")).toContainText("Done with 1 error");
  await expect(nb.cell(0).getByTestId("cell-first-error")).toContainText("2:6: Plugin no_such_plugin not found");
  await nb.cell(0).getByTestId("cell-first-error-jump").click();
  await expect(nb.cell(0).locator(".monaco-editor .cursors-layer .cursor")).toBeVisible();
  expect(foreign).toEqual([]);
});

test("a cell promoted to a SERVER_EVENT artifact links back to its cell and shows on the Artifacts page", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  const name = unique("Watcher ");
  const id = await nb.createFromTemplate("Blank notebook", name);
  await nb.setEditorText(0, "SELECT * FROM clock(period=60)");
  await nb.openCellMenu(0);
  await nb.cell(0).getByTestId("save-as-artifact").click();
  const dialog = page.getByRole("dialog", { name: "Save as artifact" });
  await expect(dialog.getByTestId("artifact-type")).toHaveValue("SERVER_EVENT");
  const artifactName = `Custom.E2E.${name.replace(/[^A-Za-z0-9]/g, "")}`;
  await dialog.getByTestId("artifact-name").fill(artifactName);
  await expect(dialog.getByTestId("artifact-problems")).toHaveText("The YAML is valid.");
  await expect(dialog.getByTestId("promote-yaml")).toContainText("SERVER_EVENT");
  await dialog.getByTestId("save-artifact").click();
  await expect(dialog.getByTestId("artifact-result")).toHaveText(new RegExp(`Saved ${artifactName.replace(/\./g, "\\.")}`));
  const cellId = await nb.cellId(0);
  await page.goto("/artifacts");
  await expect(page.getByText(artifactName).first()).toBeVisible();
  // The artifact links back to the notebook cell it came from.
  const res = await page.request.get(`/api/artifacts/${encodeURIComponent(artifactName)}`);
  expect(res.status()).toBe(200);
  const { artifact } = (await res.json()) as { artifact: { type: string; yaml: string; artifact: { references: string[] } } };
  expect(artifact.type).toBe("SERVER_EVENT");
  expect(artifact.artifact.references).toEqual([`/notebooks/${id}?cell=${cellId}`]);
  expect(artifact.yaml).toContain("SELECT * FROM clock(period=60)");
  // ...and the artifact's page leads back to the cell.
  await page.goto(`/artifacts/${encodeURIComponent(artifactName)}`);
  await page.getByTestId("artifact-references").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/notebooks/${id.replace(/\./g, "\\.")}\\?cell=${cellId.replace(/\./g, "\\.")}`));
});

test("the notebook list searches, filters mine / shared, copies and deletes with confirmation; text export imports back; HTML export is self-contained", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  const name = unique("Listed ");
  const id = await nb.createFromTemplate("Hunt results triage", name);
  await expect(nb.cells().first().getByTestId("markdown-view")).toContainText("Hunt results triage");

  // Text export, then import it as a new notebook.
  const [md] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-md").click()]);
  const text = readFileSync((await md.path())!, "utf8");
  expect(text).toMatch(/^---\nname: Listed /);
  expect(text).toContain("```vql\n/* ## Progress */");
  const [html] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-html").click()]);
  const htmlText = readFileSync((await html.path())!, "utf8");
  expect(htmlText).toContain(`<title>${name}</title>`);
  expect(htmlText).not.toMatch(/<script|<link|src="http/i);

  await nb.gotoList();
  await page.getByTestId("import-notebook").setInputFiles({ name: "triage.md", mimeType: "text/markdown", buffer: Buffer.from(text.replace(`name: ${name}`, `name: ${name} imported`)) });
  await expect(page.getByTestId("notebook-name")).toHaveText(`${name} imported`);
  await expect(nb.cells()).toHaveCount(5);

  // Search, scope filter, copy, delete with confirmation.
  await nb.gotoList();
  await page.getByLabel("Search notebooks").fill(name);
  await expect(page.locator("table.nb-list tbody tr")).toHaveCount(2);
  await page.getByRole("tab", { name: "Shared with me" }).click();
  await expect(page.locator("table.nb-list tbody tr")).toHaveText([/No notebooks here yet/]);
  await page.getByRole("tab", { name: "Mine" }).click();
  await expect(page.locator("table.nb-list tbody tr")).toHaveCount(2);
  await page.getByTestId(`notebook-row-${id}`).getByRole("button", { name: "Copy" }).click();
  await expect(page.getByTestId("notebook-name")).toHaveText(`Copy of ${name}`);
  await nb.gotoList();
  await page.getByLabel("Search notebooks").fill(name);
  await expect(page.locator("table.nb-list tbody tr")).toHaveCount(3);
  const row = page.getByTestId(`notebook-row-${id}`);
  await row.getByTestId("delete-notebook").click();
  await expect(row).toContainText(`Delete “${name}”?`);
  await row.getByTestId("confirm-delete").click();
  await expect(page.getByTestId(`notebook-row-${id}`)).toHaveCount(0);
  await page.goto(`/notebooks/${id}`);
  await expect(page.getByTestId("no-access")).toContainText("Notebook not found");
});
