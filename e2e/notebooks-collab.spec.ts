// Notebooks with two people in two browsers: text edits, cell moves and results reach the other
// within a second; presence shows who is there; a shared cell link signs in first and lands on
// the cell; a third user the notebook is not shared with gets "no access".
import { expect, type Browser, type Page } from "@playwright/test";
import { ADMIN, signIn, test, unique } from "./fixtures";
import { LoginPage } from "./pages/login-page";
import { NotebookPage } from "./pages/notebook-page";

async function createUser(page: Page, username: string, password: string, role: string) {
  const res = await page.request.post("/api/users", { data: { username, password, role }, headers: { Origin: new URL(page.url()).origin } });
  expect(res.status()).toBe(201);
}

async function newSignedIn(browser: Browser, baseURL: string, username: string, password: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, username, password);
  return { context, page };
}

test("two users edit, move cells and see results live; a third user gets no access", async ({ browser, adminPage: alice }, testInfo) => {
  test.setTimeout(120_000);
  const baseURL = testInfo.project.use.baseURL!;
  const bobName = unique("bob");
  const carolName = unique("carol");
  await alice.goto("/notebooks");
  await createUser(alice, bobName, "bob-password-1", "analyst");
  await createUser(alice, carolName, "carol-password-1", "analyst");

  const a = new NotebookPage(alice);
  const id = await a.createFromTemplate("Blank notebook", unique("Shared "));
  await a.page.getByTestId("add-markdown").click();
  await expect(a.cells()).toHaveCount(2);
  await alice.getByTestId("notebook-settings").click();
  await alice.getByTestId("collaborators").fill(bobName);
  await alice.getByTestId("save-settings").click();
  await expect(alice.getByText(`shared with ${bobName}`)).toBeVisible();

  const { context: bobContext, page: bob } = await newSignedIn(browser, baseURL, bobName, "bob-password-1");
  const b = new NotebookPage(bob);
  await bob.goto(`/notebooks/${id}`);
  await expect(b.cells()).toHaveCount(2);
  await expect(bob.getByTestId("cell").first().getByTestId(/^editor-/)).toHaveAttribute("data-synced", "1");
  await expect(alice.getByTestId("cell").first().getByTestId(/^editor-/)).toHaveAttribute("data-synced", "1");

  // Presence: each sees the other.
  await expect(alice.getByTestId("presence")).toContainText(bobName);
  await expect(bob.getByTestId("presence")).toContainText(ADMIN.username);

  // Text typed by one appears in the other's editor within a second.
  await a.editor(0).click();
  await alice.keyboard.type("SELECT _value AS N FROM range(end=5)");
  const t0 = Date.now();
  await expect.poll(() => b.editorText(0), { timeout: 1000, intervals: [50] }).toBe("SELECT _value AS N FROM range(end=5)");
  testInfo.annotations.push({ type: "edit-visible-ms", description: String(Date.now() - t0) });
  // Bob's cursor shows in Alice's editor, and Bob is shown in the cell he is in.
  await b.editor(0).click();
  await bob.keyboard.press("End");
  await expect(alice.locator(".cell").first().locator("[class*=yRemoteSelectionHead]")).toHaveCount(1, { timeout: 2000 });
  await expect(alice.getByTestId("cell").first().getByTestId("cell-present")).toContainText(bobName);
  await bob.keyboard.type(" LIMIT 3");
  await expect.poll(() => a.editorText(0), { timeout: 1000, intervals: [50] }).toBe("SELECT _value AS N FROM range(end=5) LIMIT 3");

  // A cell moved by one moves for the other.
  const first = await a.cellId(0);
  const t1 = Date.now();
  await a.cell(0).getByTestId("move-down").click();
  await expect.poll(() => b.cellId(1), { timeout: 1000, intervals: [50] }).toBe(first);
  testInfo.annotations.push({ type: "move-visible-ms", description: String(Date.now() - t1) });

  // Results of a run by one arrive in the other's page.
  const t2 = Date.now();
  await a.cell(1).getByTestId("run-cell").click();
  await expect(b.cell(1).getByTestId("results-row")).toHaveCount(3, { timeout: 1000 });
  testInfo.annotations.push({ type: "results-visible-ms", description: String(Date.now() - t2) });
  await expect(b.cell(1).getByTestId("results-total")).toHaveText("3 rows");

  // A cell added by Bob shows up for Alice; deleting it removes it for both.
  await bob.getByTestId("add-vql").click();
  await expect(a.cells()).toHaveCount(3, { timeout: 1000 });
  await b.openCellMenu(2);
  await b.cell(2).getByTestId("delete-cell").click();
  await b.cell(2).getByTestId("confirm-delete-cell").click();
  await expect(a.cells()).toHaveCount(2, { timeout: 1000 });

  // The cell link: a signed-out browser signs in first, then lands on the cell.
  const cellId = await a.cellId(1);
  const link = `/notebooks/${id}?cell=${cellId}`;
  const fresh = await browser.newContext({ baseURL });
  const bob2 = await fresh.newPage();
  await bob2.goto(link);
  await expect(bob2).toHaveURL(/\/login\?next=/);
  await new LoginPage(bob2).signIn(bobName, "bob-password-1");
  await expect(bob2).toHaveURL(new RegExp(`/notebooks/${id.replace(".", "\\.")}\\?cell=${cellId.replace(".", "\\.")}$`));
  await expect(bob2.locator(`section.cell.highlighted[data-cell-id="${cellId}"]`)).toBeVisible();
  await fresh.close();

  // Carol was never added: the same link shows "no access" and none of the content.
  const { context: carolContext, page: carol } = await newSignedIn(browser, baseURL, carolName, "carol-password-1");
  await carol.goto(link);
  await expect(carol.getByTestId("no-access")).toContainText("No access");
  await expect(carol.getByTestId("cell")).toHaveCount(0);
  await expect(carol.getByText("range(end=5)")).toHaveCount(0);
  const api = await carol.request.get(`/api/notebooks/${id}`);
  expect(api.status()).toBe(403);

  await bobContext.close();
  await carolContext.close();
});
