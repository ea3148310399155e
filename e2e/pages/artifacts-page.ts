import { expect, type Locator, type Page } from "@playwright/test";

export class ArtifactsPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/artifacts");
    await expect(this.page.getByRole("heading", { name: "Artifacts", exact: true })).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.getByTestId(`artifact-row-${name}`);
  }

  async search(text: string) {
    await this.page.getByTestId("artifact-search").fill(text);
  }

  async filterType(type: string) {
    await this.page.getByTestId("artifact-type-filter").selectOption(type);
  }

  editor(): Locator {
    return this.page.getByTestId("artifact-editor");
  }

  /**
   * Replaces the editor's text through Monaco's model (typing would be re-indented by the
   * editor), as a paste would; the page's change handlers run as for any edit.
   */
  async setYaml(text: string) {
    await expect(this.editor().locator(".monaco-editor")).toBeVisible({ timeout: 20_000 });
    // The first check runs when the editor has mounted (and listens for changes).
    await expect(this.page.getByTestId("artifact-problem-count")).not.toHaveText("checking…");
    await this.page.evaluate((t) => {
      const m = (window as unknown as { monaco: { editor: { getModels(): Array<{ setValue(v: string): void }> } } }).monaco;
      m.editor.getModels()[0]!.setValue(t);
    }, text);
  }

  saveButton(): Locator {
    return this.page.getByTestId("artifact-save");
  }

  /** The y-centre of the editor's line-number element for a 1-based line. */
  async lineCentre(line: number): Promise<number> {
    const el = this.editor().locator(".margin-view-overlays .line-numbers", { hasText: new RegExp(`^${line}$`) });
    const box = await el.boundingBox();
    if (!box) throw new Error(`line ${line} is not rendered`);
    return box.y + box.height / 2;
  }
}
