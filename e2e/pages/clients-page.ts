import type { Page } from "@playwright/test";

export class ClientsPage {
  constructor(readonly page: Page) {}

  async goto(q = "") {
    await this.page.goto(q ? `/clients?q=${encodeURIComponent(q)}` : "/clients");
  }

  row(clientId: string) {
    return this.page.getByTestId(`client-row-${clientId}`);
  }

  /**
   * The row of `npm start`'s agent for this machine: its hostname and online. Other tests enrol
   * extra agents on this machine (same hostname) that are offline once they stop.
   */
  localClientRow(hostname: string) {
    return this.page.getByTestId("clients-table").locator("tbody tr", { hasText: hostname, has: this.page.locator('[data-status="online"]') }).first();
  }

  async search(q: string) {
    await this.page.getByTestId("clients-search").fill(q);
    await this.page.getByRole("button", { name: "Search" }).click();
  }
}

export class ClientPage {
  constructor(readonly page: Page) {}

  async goto(clientId: string) {
    await this.page.goto(`/clients/${clientId}`);
  }

  async collect(artifact: string, params: Record<string, string> = {}) {
    await this.page.getByTestId("collect-open").click();
    const dialog = this.page.getByTestId("collect-dialog");
    await dialog.getByTestId("collect-filter").fill(artifact);
    await dialog.getByTestId(`collect-pick-${artifact}`).check();
    for (const [k, v] of Object.entries(params)) await dialog.getByTestId(`param-${artifact}-${k}`).fill(v);
    await dialog.getByTestId("collect-start").click();
  }

  async addLabel(label: string) {
    await this.page.getByTestId("client-label-input").fill(label);
    await this.page.getByTestId("client-label-add").click();
  }
}
