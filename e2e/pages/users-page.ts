import type { Page } from "@playwright/test";

export class UsersPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/users");
  }

  async createUser(username: string, password: string, role: string) {
    const form = this.page.getByRole("form", { name: "Create user" });
    await form.getByLabel("User name").fill(username);
    await form.getByLabel("Password").fill(password);
    await form.getByLabel("Role").selectOption(role);
    await form.getByRole("button", { name: "Create user" }).click();
  }

  row(username: string) {
    return this.page.getByTestId(`user-row-${username}`);
  }
}
