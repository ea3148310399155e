// The Alerts pages: the inbox (filters in the URL, one row per entry) and one alert's page
// (facts, triage, activity, occurrences).
import { expect, type Locator, type Page } from "@playwright/test";

export const TRIAGE_CONTROLS = ["alert-acknowledge", "alert-resolve", "alert-false-positive", "alert-reopen", "alert-assign-me", "alert-assign", "alert-unassign", "alert-comment-add", "alert-comment-input", "alert-assignee-input"];

export class AlertsPage {
  constructor(readonly page: Page) {}

  /** The inbox searching for `search` (an alert's unique name). */
  async goto(search = "") {
    await this.page.goto(search ? `/alerts?search=${encodeURIComponent(search)}` : "/alerts");
    await expect(this.page.getByTestId("alerts-table")).toBeVisible();
  }

  table(): Locator {
    return this.page.getByTestId("alerts-table");
  }

  row(id: string): Locator {
    return this.page.getByTestId(`alert-row-${id}`);
  }

  async open(id: string) {
    await this.row(id).getByTestId("alert-link").click();
    await expect(this.detail()).toBeVisible();
  }

  detail(): Locator {
    return this.page.getByTestId("alert-detail");
  }

  activityItems(): Locator {
    return this.page.getByTestId("alert-activity-item");
  }

  navCount(): Locator {
    return this.page.getByTestId("nav-alerts-count");
  }
}
