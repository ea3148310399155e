// The Monitoring page: its two tabs, the server and client event tables, the add / edit dialog
// and the selected artifact's live tail, history and logs.
import { expect, type Locator, type Page } from "@playwright/test";

export class MonitoringPage {
  constructor(readonly page: Page) {}

  async goto(tab: "server" | "client" = "server") {
    await this.page.goto(tab === "client" ? "/monitoring?tab=client" : "/monitoring");
    await expect(this.page.getByTestId(tab === "client" ? "client-events" : "server-events")).toBeVisible();
  }

  dialog(): Locator {
    return this.page.getByTestId("monitoring-dialog");
  }

  /** Picks artifacts in the open dialog and fills their parameters (`Artifact` → name → value). */
  async pickAndFill(artifact: string, params: Record<string, string> = {}) {
    const d = this.dialog();
    await d.getByTestId("monitoring-filter").fill(artifact);
    await d.getByTestId(`monitoring-pick-${artifact}`).check();
    for (const [k, v] of Object.entries(params)) await d.getByTestId(`param-${artifact}-${k}`).fill(v);
  }

  async save() {
    await this.dialog().getByTestId("monitoring-save").click();
    await expect(this.dialog()).toHaveCount(0);
  }

  async addServerArtifact(artifact: string, params: Record<string, string> = {}) {
    await this.page.getByTestId("server-add").click();
    await this.pickAndFill(artifact, params);
    await this.save();
  }

  serverRow(artifact: string): Locator {
    return this.page.getByTestId(`server-row-${artifact}`);
  }

  /** Adds a CLIENT_EVENT artifact to a label group through "Add to label group…". */
  async addToLabelGroup(label: string, artifact: string, params: Record<string, string> = {}) {
    await this.page.getByTestId("client-add-label").click();
    await this.dialog().getByTestId("monitoring-label").fill(label);
    await this.pickAndFill(artifact, params);
    await this.save();
  }

  liveRows(): Locator {
    return this.page.getByTestId("live-rows");
  }
}
