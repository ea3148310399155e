// The VQL editor knows where a query runs and says what is wrong: completion ranks `pslist` (an
// endpoint plugin, with a note saying so) for `pslis`; an unknown plugin makes the cell "Done
// with 1 error" with the message at line:col; an agent plugin run on the server says how to run
// it; an unknown artifact in source() is a did-you-mean warning; epoch times render as dates
// with the raw value on hover, ids whole with their tail in view.
import { expect, test, unique } from "./fixtures";
import { NotebookPage } from "./pages/notebook-page";

test("completion in a notebook offers pslist for `pslis`, and notes builtins that run only on endpoints", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Complete "));
  const id = await nb.cellId(0);
  // Trigger completion the way Ctrl+Space does (the shortcut toggles details when the list is already open).
  const suggest = () =>
    page.evaluate((cellId) => {
      const host = document.querySelector(`[data-testid="editor-${cellId}"]`);
      window.monaco!.editor.getEditors().find((e) => host?.contains(e.getContainerDomNode()))?.trigger("e2e", "editor.action.triggerSuggest", {});
    }, id);
  const rows = page.locator(".suggest-widget .monaco-list-row");
  await nb.editor(0).click();
  await page.keyboard.type("SELECT * FROM pslis");
  await suggest();
  await expect(rows.first()).toBeVisible();
  // The focused (first) row is pslist (the server has it too, under MACHINE_STATE), not parse_lines.
  await expect(rows.first()).toContainText("pslist");
  await expect(rows.first()).not.toContainText("parse_lines");
  await page.keyboard.press("Enter");
  await expect.poll(() => nb.editorText(0)).toBe("SELECT * FROM pslist()");
  await page.keyboard.press("Escape");

  // connections() exists only on endpoints: its row says so, and so does the editor's check.
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type("SELECT * FROM connectio");
  await suggest();
  await expect(rows.first()).toContainText("connections");
  await expect(page.locator(".suggest-widget .monaco-list-row.focused")).toContainText("endpoints only");
  await page.keyboard.press("Enter");
  await expect.poll(() => nb.editorText(0)).toBe("SELECT * FROM connections()");
  await expect
    .poll(async () => (await nb.markers(0)).map((m) => m.message))
    .toEqual(["`connections` is available on endpoints, not on the server: run it with `collect_client()` or in a CLIENT artifact"]);
});

test("a cell with an unknown plugin is Done with 1 error, the message at line:col; an agent plugin says how to run it", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Errors "));
  await nb.setEditorText(0, "SELECT * FROM no_such_plugin()");
  await page.keyboard.press("Escape");
  await nb.run(0);
  await expect(nb.cell(0)).toHaveAttribute("data-status", "done");
  await expect(nb.cell(0).getByTestId("cell-status")).toContainText("Done with 1 error");
  // `no_such_plugin` starts at column 15 of line 1.
  await expect(nb.cell(0).getByTestId("cell-first-error")).toContainText("1:15: Plugin no_such_plugin not found.");

  await nb.setEditorText(0, "SELECT * FROM connections()");
  await page.keyboard.press("Escape");
  await nb.run(0);
  await expect(nb.cell(0).getByTestId("cell-first-error")).toContainText(
    "1:15: Plugin connections not found. `connections` is available on endpoints: run it with collect_client() or in a CLIENT artifact",
  );
  await expect(nb.cell(0).getByTestId("cell-first-error")).not.toContainText("Did you mean");
});

test("an unknown artifact in source() is a did-you-mean warning in the editor and a clear message when run, once", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Artifacts "));
  await nb.setEditorText(0, 'SELECT * FROM source(artifact="Linux.Sys.Pslistt")');
  await page.keyboard.press("Escape");
  await expect
    .poll(async () => (await nb.markers(0)).map((m) => [m.severity, m.col, m.message]))
    // Severity 4 is a warning; the string starts at column 31 (after `source(artifact=`).
    .toEqual([[4, 31, "no artifact `Linux.Sys.Pslistt`; did you mean `Linux.Sys.Pslist`?"]]);
  await nb.run(0);
  await expect(nb.cell(0)).toHaveAttribute("data-status", "done");
  const log = nb.cell(0).locator(".cell-logs .log");
  await expect(log.filter({ hasText: "source: no artifact `Linux.Sys.Pslistt`; did you mean `Linux.Sys.Pslist`?" })).toHaveCount(1);
  await expect(nb.cell(0).getByTestId("cell-status")).toContainText("Done with 1 error");
});

test("epoch times render as dates with the raw value on hover; ids keep their tail", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Values "));
  // 1767323045 s = 2026-01-02T03:04:05Z; last_seen_at is in microseconds as clients() gives it.
  await nb.setEditorText(0, "SELECT 1767323045 AS create_time, 1767323045000000 AS last_seen_at, 'C.1a2b3c4d5e6f7a8b' AS client_id, 1767323045 AS Size FROM scope()");
  await page.keyboard.press("Escape");
  await nb.run(0);
  await expect(nb.cell(0)).toHaveAttribute("data-status", "done");
  const table = nb.table(0);
  await table.getByLabel("Time zone").selectOption("UTC");
  const times = table.locator(".rt-row .rt-time");
  await expect(times).toHaveCount(2);
  await expect(times.nth(0)).toHaveText("2026-01-02 03:04:05 UTC");
  await expect(times.nth(0)).toHaveAttribute("title", "1767323045");
  await expect(times.nth(1)).toHaveText("2026-01-02 03:04:05 UTC");
  await expect(times.nth(1)).toHaveAttribute("title", "1767323045000000");
  // A number in a column that is not a time stays a number.
  await expect(table.locator(".rt-row .rt-num")).toHaveText("1767323045");
  const id = table.locator(".rt-row .rt-id");
  await expect(id).toHaveAttribute("title", "C.1a2b3c4d5e6f7a8b");
  await expect(id).toHaveText("C.1a2b3c4d5e6f7a8b");
  // Narrow the column: the tail (the part that differs between ids) stays fully visible.
  const tailVisible = await id.locator(".rt-id-tail").evaluate((el) => {
    const cell = el.closest(".rt-td") as HTMLElement;
    cell.style.width = "90px";
    const t = el.getBoundingClientRect();
    const c = cell.getBoundingClientRect();
    return t.right <= c.right && t.width > 0;
  });
  expect(tailVisible).toBe(true);
});
