// Page object for the notebooks list and an open notebook.
import { expect, type Locator, type Page } from "@playwright/test";

export class NotebookPage {
  constructor(readonly page: Page) {}

  async gotoList() {
    await this.page.goto("/notebooks");
  }

  /** Creates a notebook from the template with this name; lands on the new notebook. */
  async createFromTemplate(templateName: string, name: string) {
    await this.gotoList();
    await this.page.getByTestId("new-notebook").click();
    await this.page.getByTestId("new-notebook-name").fill(name);
    await this.page.getByRole("radio", { name: new RegExp(templateName) }).check();
    await this.page.getByTestId("create-notebook").click();
    await expect(this.page.getByTestId("notebook-name")).toHaveText(name);
    return this.page.url().split("/notebooks/")[1]!.split("?")[0]!;
  }

  cells(): Locator {
    return this.page.getByTestId("cell");
  }

  cell(i: number): Locator {
    return this.cells().nth(i);
  }

  async cellId(i: number): Promise<string> {
    return (await this.cell(i).getAttribute("data-cell-id"))!;
  }

  /** The Monaco editor text area of a cell (click to focus). */
  editor(i: number): Locator {
    return this.cell(i).locator(".monaco-editor .view-lines");
  }

  /** Text of the cell's Monaco model. */
  async editorText(i: number): Promise<string> {
    const id = await this.cellId(i);
    return this.page.evaluate((cellId) => {
      const host = document.querySelector(`[data-testid="editor-${cellId}"]`);
      const ed = window.monaco!.editor.getEditors().find((e) => host?.contains(e.getContainerDomNode()));
      return ed?.getValue() ?? "";
    }, id);
  }

  /** Markers (squiggles) on the cell's model: [severity, startLine, startColumn, message]. */
  async markers(i: number): Promise<{ severity: number; line: number; col: number; message: string }[]> {
    const id = await this.cellId(i);
    return this.page.evaluate((cellId) => {
      const host = document.querySelector(`[data-testid="editor-${cellId}"]`);
      const ed = window.monaco!.editor.getEditors().find((e) => host?.contains(e.getContainerDomNode()));
      const model = ed?.getModel();
      if (!model) return [];
      return window.monaco!.editor.getModelMarkers({ resource: model.uri }).map((m) => ({ severity: m.severity, line: m.startLineNumber, col: m.startColumn, message: m.message }));
    }, id);
  }

  async setEditorText(i: number, text: string) {
    await this.editor(i).click();
    await this.page.keyboard.press("ControlOrMeta+a");
    await this.page.keyboard.press("Delete");
    await this.page.keyboard.insertText(text);
  }

  /** True when keyboard focus is inside the cell's editor. */
  async editorHasFocus(i: number): Promise<boolean> {
    const id = await this.cellId(i);
    return this.page.evaluate((cellId) => Boolean(document.querySelector(`[data-testid="editor-${cellId}"]`)?.contains(document.activeElement)), id);
  }

  /** Moves the mouse over the middle of the first occurrence of `word` in the cell's editor. */
  async hoverWord(i: number, word: string) {
    const id = await this.cellId(i);
    const at = await this.page.evaluate(
      ({ cellId, word }) => {
        const host = document.querySelector(`[data-testid="editor-${cellId}"]`);
        const ed = window.monaco!.editor.getEditors().find((e) => host?.contains(e.getContainerDomNode()));
        const model = ed?.getModel();
        const match = model?.findMatches(word, false, false, true, null, false)[0];
        if (!ed || !match) return null;
        const column = match.range.startColumn + Math.floor(word.length / 2);
        const pos = ed.getScrolledVisiblePosition({ lineNumber: match.range.startLineNumber, column });
        const box = ed.getDomNode()!.getBoundingClientRect();
        return pos ? { x: box.left + pos.left + 2, y: box.top + pos.top + pos.height / 2 } : null;
      },
      { cellId: id, word },
    );
    if (!at) throw new Error(`\`${word}\` is not in cell ${i}`);
    await this.page.mouse.move(at.x, at.y, { steps: 4 });
  }

  async run(i: number) {
    await this.cell(i).getByTestId("run-cell").click();
  }

  async openCellMenu(i: number) {
    await this.cell(i).locator(".cell-menu > summary").click();
  }

  /** Opens the cell's "Save as artifact" dialog (cell menu → Save as artifact). */
  async openPromoteDialog(i: number): Promise<Locator> {
    await this.openCellMenu(i);
    await this.cell(i).getByTestId("save-as-artifact").click();
    const dialog = this.page.getByRole("dialog", { name: "Save as artifact" });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  table(i: number): Locator {
    return this.cell(i).getByTestId("results-table").first();
  }
}
