// Limits per role in the browser: an administrator sets the analyst role's limits on the Users
// page; an analyst sees them in the notebook settings, is refused a timeout above them, and a
// second long cell waits in the analyst's own queue with a visible "waiting: you have 1
// running" status while another user's cell runs at once.
import { expect, test, unique, userPage } from "./fixtures";
import { NotebookPage } from "./pages/notebook-page";

test("an administrator's role limits show in an analyst's notebook settings, bound what they save and queue their third cell, not another user's", async ({ adminPage, browser, baseURL }) => {
  test.setTimeout(120_000);
  await adminPage.goto("/users");
  const row = adminPage.getByTestId("role-limits-analyst");
  await row.getByLabel("Longest timeout of analyst").fill("120");
  await row.getByLabel("Concurrent runs of analyst").fill("1");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(adminPage.getByTestId("role-limits").getByRole("status")).toContainText("Saved the limits of the analyst role");
  await expect(adminPage.getByTestId("role-limits-analyst")).toContainText("admin");

  const analyst = await userPage(adminPage, browser, baseURL!, "analyst", "lim");
  const other = await userPage(adminPage, browser, baseURL!, "analyst", "lim");
  try {
    const nb = new NotebookPage(analyst.page);
    await nb.createFromTemplate("Blank notebook", unique("Limits "));
    await analyst.page.getByTestId("notebook-settings").click();
    await expect(analyst.page.getByTestId("role-limits-note")).toContainText("Your role (analyst) allows a timeout of at most 120 s");
    await expect(analyst.page.getByTestId("role-limits-note")).toContainText("1 run at once");
    await analyst.page.getByTestId("cell-timeout").fill("86400");
    // The browser's own max= check would stop the submit first; the server's refusal is what counts.
    await analyst.page.getByTestId("cell-timeout").evaluate((el) => el.removeAttribute("max"));
    await analyst.page.getByTestId("save-settings").click();
    await expect(analyst.page.getByRole("dialog", { name: "Notebook settings" }).getByRole("alert")).toContainText("the timeout is above the analyst role's maximum of 120 seconds");
    await analyst.page.getByRole("button", { name: "Close" }).click();

    // Two long cells: the second waits in the analyst's queue and says why.
    // The first runs long enough for the steps below on a loaded machine; the second is short.
    await nb.setEditorText(0, "SELECT sleep(time=20) AS Slept FROM scope()");
    await nb.openCellMenu(0);
    await nb.cell(0).getByTestId("add-vql-below").click();
    await expect(nb.cells()).toHaveCount(2);
    await nb.setEditorText(1, "SELECT sleep(time=1) AS Slept FROM scope()");
    await nb.run(0);
    await expect(nb.cell(0).getByTestId("cell-status")).toHaveText("Running…");
    await nb.run(1);
    // It waits in the analyst's own queue and says why.
    await expect(nb.cell(1).getByTestId("cell-status")).toHaveText("Queued, waiting: you have 1 running (your role's limit is 1)…");

    // Another analyst's trivial cell runs at once meanwhile.
    const onb = new NotebookPage(other.page);
    await onb.createFromTemplate("Blank notebook", unique("Other "));
    await onb.setEditorText(0, "SELECT 1 AS One FROM scope()");
    await onb.run(0);
    await expect(onb.cell(0).getByTestId("cell-status")).toContainText("Done", { timeout: 10_000 });
    await expect(nb.cell(1).getByTestId("cell-status")).toContainText("Queued");

    await expect(nb.cell(1).getByTestId("cell-status")).toContainText("Done", { timeout: 40_000 });
  } finally {
    await adminPage.request.put("/api/role-limits/analyst", { headers: { Origin: baseURL! }, data: { maxTimeoutSeconds: 3600, maxRows: 5_000_000, maxConcurrent: 2 } });
    await analyst.close();
    await other.close();
  }
});
