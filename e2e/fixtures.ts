// Extends Playwright's test with page objects and a signed-in administrator.
import { test as base, expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { UsersPage } from "./pages/users-page";

export const ADMIN = { username: "admin", password: "e2e-admin-password" };

export async function signIn(page: Page, username: string, password: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(username, password);
  await expect(page.getByTestId("signed-in-user")).toContainText(username);
}

/** A unique name per test run, so tests can re-run against the same database. */
export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** A second signed-in user with `role`, created by the administrator, in a browser context of its own. */
export async function userPage(admin: { request: APIRequestContext }, browser: Browser, baseURL: string, role: string, prefix = "u") {
  const username = unique(`${prefix}${role.slice(0, 3)}`);
  const password = `${role}-password-1`;
  const res = await admin.request.post("/api/users", { headers: { Origin: baseURL }, data: { username, password, role } });
  expect(res.status(), await res.text()).toBe(201);
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signIn(page, username, password);
  return { page, username, close: () => ctx.close() };
}

export const test = base.extend<{ loginPage: LoginPage; usersPage: UsersPage; adminPage: Page }>({
  loginPage: async ({ page }, use) => use(new LoginPage(page)),
  usersPage: async ({ page }, use) => use(new UsersPage(page)),
  adminPage: async ({ page }, use) => {
    await signIn(page, ADMIN.username, ADMIN.password);
    await use(page);
  },
});

export { expect };
