// Sign-in, sign-out, roles and the front door's refusals, as a person and a script meet them.
import { ADMIN, expect, signIn, test, unique } from "./fixtures";

test("an anonymous visitor is sent to sign in and comes back to the page asked for", async ({ page, loginPage }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/login\?next=%2Faudit/);
  await loginPage.signIn(ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
});

test("the administrator signs in and sees every area in the navigation", async ({ adminPage: page }) => {
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const area of ["Notebooks", "Clients", "Hunts", "Artifacts", "Monitoring", "Tools", "Alerts", "Users", "Audit log"]) {
    await expect(nav.getByRole("link", { name: area, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("signed-in-user")).toHaveText("admin · administrator");
});

test("after sign-in the browser stays on this site whatever `next` says", async ({ page, loginPage, baseURL }) => {
  // Seen: `next=/%09/attacker.invalid/x` took Chromium off-site; `next=/%0A/x` answered 500 after
  // the session was made.
  for (const raw of ["/%09/attacker.invalid/x", "/%0A/x", "//attacker.invalid/x", "/%5Cattacker.invalid/x"]) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${raw}`);
    await loginPage.signIn(ADMIN.username, ADMIN.password);
    await expect(page.getByTestId("signed-in-user")).toContainText(ADMIN.username);
    expect(new URL(page.url()).origin, raw).toBe(new URL(baseURL!).origin);
  }
});

test("a wrong password is refused with a message and no session", async ({ page, loginPage }) => {
  await loginPage.goto();
  await loginPage.signIn(ADMIN.username, "not-the-password");
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("wrong user name or password");
  await expect(page).toHaveURL(/\/login/);
  // The form keeps the user name for the next try, never the password; the tab says where it is.
  await expect(page.getByLabel("User name")).toHaveValue(ADMIN.username);
  await expect(page.getByLabel("Password")).toHaveValue("");
  expect(new URL(page.url()).searchParams.has("password")).toBe(false);
  await expect(page).toHaveTitle("Sign in · Talon");
  await expect(page.locator('link[rel="icon"]')).not.toHaveCount(0);
  const res = await page.request.get("/api/users");
  expect(res.status()).toBe(401);
});

test("signing out ends the session on the server", async ({ adminPage: page, context }) => {
  const cookie = (await context.cookies()).find((c) => c.name === "talon_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // The old cookie no longer works even if replayed.
  const replay = await page.request.get("/api/users", { headers: { cookie: `talon_session=${cookie!.value}` } });
  expect(replay.status()).toBe(401);
  await page.goto("/notebooks");
  await expect(page).toHaveURL(/\/login/);
});

test("a reader is forbidden from the Users page and its API", async ({ adminPage, browser, usersPage }) => {
  const name = unique("reader");
  await usersPage.goto();
  await usersPage.createUser(name, "reader-password", "reader");
  await expect(usersPage.row(name)).toContainText("reader");
  await expect(adminPage.getByRole("status")).toContainText(`Created user ${name}`);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, name, "reader-password");
  // No link to a page the role cannot use.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "Forbidden" })).toBeVisible();
  await expect(page.getByText("SERVER_ADMIN")).toBeVisible();
  await expect(page.getByTestId(`user-row-admin`)).toHaveCount(0);
  const api = await page.request.get("/api/users");
  expect(api.status()).toBe(403);
  const create = await page.request.post("/api/users", {
    headers: { Origin: new URL(page.url()).origin },
    data: { username: unique("x"), password: "whatever-1", role: "administrator" },
  });
  expect(create.status()).toBe(403);
  await ctx.close();
});

test("a state-changing request without a same-site Origin is refused (CSRF)", async ({ adminPage: page }) => {
  const body = { username: unique("csrf"), password: "csrf-password", role: "reader" };
  const noOrigin = await page.request.post("/api/users", { data: body });
  expect(noOrigin.status()).toBe(403);
  expect((await noOrigin.json()).error).toBe("csrf");
  const foreign = await page.request.post("/api/users", { data: body, headers: { Origin: "http://evil.example" } });
  expect(foreign.status()).toBe(403);
  // Nothing was created by either attempt.
  const list = await page.request.get("/api/users");
  const names = ((await list.json()).users as { username: string }[]).map((u) => u.username);
  expect(names).not.toContain(body.username);
  // The same request from our own origin works.
  const ok = await page.request.post("/api/users", { data: body, headers: { Origin: new URL(page.url()).origin } });
  expect(ok.status()).toBe(201);
});

test("an administrator disables a user, whose session stops working at once", async ({ adminPage, browser, usersPage }) => {
  const name = unique("temp");
  await usersPage.goto();
  await usersPage.createUser(name, "temp-password", "analyst");
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await signIn(other, name, "temp-password");
  await usersPage.row(name).getByRole("button", { name: `Disable ${name}` }).click();
  await expect(usersPage.row(name)).toContainText("disabled");
  await other.goto("/account");
  await expect(other).toHaveURL(/\/login/);
  await ctx.close();
  await expect(adminPage.getByRole("status")).toContainText(`${name} disabled`);
});

test("the audit log shows sign-ins and user changes to the administrator", async ({ adminPage: page }) => {
  await page.goto("/audit?operation=Login");
  const table = page.getByRole("table", { name: "Audit entries" });
  await expect(table.getByRole("row").nth(1)).toContainText("Login");
  await page.goto("/audit?operation=user_create");
  await expect(table.getByRole("cell", { name: "user_create" }).first()).toBeVisible();
});

test("health reports the database and version without signing in", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.ok).toBe(true);
  expect(body.database.ok).toBe(true);
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});
