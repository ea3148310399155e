// Notebook editing details: Shift+Enter runs a cell and moves on, hover shows a builtin's docs
// from the server's registry, and Markdown cells render GitHub-flavoured Markdown with only the
// allowlisted HTML (the XSS payload list from the unit tests never runs in Chromium).
import { readFileSync } from "node:fs";
import { XSS_PAYLOADS } from "../engine/notebooks/testdata/xss-payloads";
import { expect, test, unique } from "./fixtures";
import { NotebookPage } from "./pages/notebook-page";

test("Shift+Enter runs the cell and moves the focus to the next cell, adding one after the last", async ({ adminPage: page }) => {
  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Keys "));
  await page.getByTestId("add-vql").click();
  await expect(nb.cells()).toHaveCount(2);

  await nb.setEditorText(0, "SELECT 6 * 7 AS Answer FROM scope()");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Enter");
  await expect(nb.cell(0)).toHaveAttribute("data-status", "done");
  await expect(nb.table(0).getByTestId("results-row").first()).toContainText("42");
  await expect.poll(() => nb.editorHasFocus(1)).toBe(true);
  // Typing now goes into the second cell, and the first keeps its text (no newline was typed).
  await page.keyboard.insertText("SELECT 'second' AS Which FROM scope()");
  await expect.poll(() => nb.editorText(1)).toBe("SELECT 'second' AS Which FROM scope()");
  expect(await nb.editorText(0)).toBe("SELECT 6 * 7 AS Answer FROM scope()");

  // In the last cell, Shift+Enter runs it and adds a cell that takes the focus.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Enter");
  await expect(nb.cell(1)).toHaveAttribute("data-status", "done");
  await expect(nb.table(1).getByTestId("results-row").first()).toContainText("second");
  await expect(nb.cells()).toHaveCount(3);
  await expect.poll(() => nb.editorHasFocus(2)).toBe(true);
  await page.keyboard.insertText("SELECT 3 FROM scope()");
  await expect.poll(() => nb.editorText(2)).toBe("SELECT 3 FROM scope()");
});

test("hovering a builtin's name shows its docs from the server's registry, server builtins included", async ({ adminPage: page }) => {
  const res = await page.request.get("/api/vql/completions");
  const { builtins } = (await res.json()) as { builtins: { name: string; kind: string; doc: string; permissions: string[] }[] };
  const range = builtins.find((b) => b.name === "range" && b.kind === "plugin")!;
  const notebooks = builtins.find((b) => b.name === "notebooks" && b.kind === "plugin")!;
  expect(notebooks.permissions).toEqual(["READ_RESULTS"]);

  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Hover "));
  await nb.setEditorText(0, "SELECT * FROM range(end=3)\nSELECT * FROM notebooks()");
  await page.keyboard.press("Escape");

  const hover = page.locator(".monaco-hover:visible");
  await nb.hoverWord(0, "range");
  // The hover renders the doc as Markdown: `code` loses its backticks.
  await expect(hover).toContainText(range.doc.replace(/`/g, ""));
  await expect(hover).toContainText("range(");

  await page.mouse.move(0, 0);
  await expect(hover).toHaveCount(0);
  await nb.hoverWord(0, "notebooks");
  await expect(hover).toContainText(notebooks.doc.replace(/`/g, ""));
  await expect(hover).toContainText("Needs: READ_RESULTS");
  await expect(hover).toContainText("Runs on: server");
});

test("Markdown cells: task lists, tables, details and kbd render; no XSS payload runs or leaves an unsafe element", async ({ adminPage: page }) => {
  test.setTimeout(90_000);
  const nb = new NotebookPage(page);
  await nb.createFromTemplate("Blank notebook", unique("Markdown "));
  await page.getByTestId("add-markdown").click();
  await expect(nb.cells()).toHaveCount(2);
  const gfm = [
    "# Checklist",
    "- [ ] collect memory",
    "- [x] isolate host",
    "",
    "| Host | State |",
    "|---|--:|",
    "| web-1 | ~~up~~ down |",
    "",
    "<details><summary>Why</summary>",
    "",
    "Press <kbd>Ctrl</kbd>+<kbd>Enter</kbd>, H<sub>2</sub>O x<sup>2</sup>",
    "",
    "</details>",
    "",
    '<img src=x onerror="window.__xss = \'img\'">',
  ].join("\n");
  await nb.editor(1).click();
  await page.keyboard.insertText(`${gfm}\n\n${XSS_PAYLOADS.join("\n\n")}`);
  await nb.cell(1).getByTestId("markdown-done").click();

  const view = nb.cell(1).getByTestId("markdown-view");
  await expect(view.locator("h1").first()).toHaveText("Checklist");
  const tasks = view.locator("ul.contains-task-list").first();
  const boxes = tasks.locator("li.task-list-item > input[type=checkbox]");
  await expect(boxes).toHaveCount(2);
  await expect(boxes.nth(0)).not.toBeChecked();
  await expect(boxes.nth(1)).toBeChecked();
  await expect(boxes.nth(0)).toBeDisabled();
  await expect(tasks.locator("li.task-list-item").nth(1)).toHaveText("isolate host");
  await expect(view.locator("table td s")).toHaveText("up");
  await expect(view.locator("details > summary").first()).toHaveText("Why");
  await expect(view.locator("details kbd")).toHaveText(["Ctrl", "Enter"]);
  await expect(view.locator("details sub")).toHaveText("2");
  // Refused tags read as text.
  await expect(view).toContainText("<script>window.__xss=1</script>");

  // Give event handlers every chance: hover and click across the rendered cell, let images fail.
  await view.hover();
  await view.locator("p, li, div, summary").evaluateAll((els) => els.forEach((e) => e.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }))));
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();

  // What Chromium parsed: only allowlisted elements, no handler attributes, only safe URLs.
  const unsafe = await view.evaluate((root) => {
    const allowed = new Set(
      "a abbr b bdi bdo br cite code del dfn em i img ins kbd mark q rp rt ruby s samp small span strike strong sub sup time u var wbr blockquote caption col colgroup dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li ol p pre summary table tbody td tfoot th thead tr ul input".split(" "),
    );
    const problems: string[] = [];
    for (const el of root.querySelectorAll("*")) {
      const tag = el.tagName.toLowerCase();
      if (!allowed.has(tag)) problems.push(`<${tag}>`);
      for (const a of el.getAttributeNames()) if (a.startsWith("on") || a === "style" && !/^text-align:\s*(left|right|center);?$/.test(el.getAttribute(a)!)) problems.push(`${tag}[${a}]`);
      if (el instanceof HTMLAnchorElement && el.hasAttribute("href") && !/^(https?|mailto):$/.test(el.protocol)) problems.push(`href ${el.href}`);
      if (el instanceof HTMLImageElement && !el.src.startsWith("https://")) problems.push(`src ${el.src}`);
      if (el instanceof HTMLInputElement && (el.type !== "checkbox" || !el.disabled)) problems.push(`input ${el.type}`);
    }
    return problems;
  });
  expect(unsafe).toEqual([]);

  // The HTML export renders the same Markdown through the same sanitiser on the server.
  const [html] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-html").click()]);
  const text = readFileSync((await html.path())!, "utf8").split("<body>")[1]!;
  expect(text).toContain('<li class="task-list-item"><input type="checkbox" disabled checked class="task-list-item-checkbox" /> isolate host</li>');
  expect(text).toContain("<kbd>Ctrl</kbd>");
  expect(text).not.toMatch(/<(script|iframe|svg|math|object|embed|style[ >])/i);
  const handlers = [...text.matchAll(/<[a-z][a-z0-9]*((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/gi)].flatMap((m) =>
    [...m[1]!.matchAll(/\s+([a-z-]+)(?:="[^"]*")?/gi)].map((a) => a[1]!).filter((name) => name.toLowerCase().startsWith("on")),
  );
  expect(handlers).toEqual([]);
});
