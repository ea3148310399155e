// The file browser in the browser: the local agent's Files tab, / listed, then /etc refreshed
// and `hostname` listed; its details show the size stat(2) gives; Download collects it, and the
// saved file is /etc/hostname byte for byte with the SHA-256 shown; a recursive refresh reports
// the directories it listed; "Open in notebook" opens a notebook whose cell reads the listing.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { expect, test } from "./fixtures";
import { ClientsPage } from "./pages/clients-page";

test("browse the local agent's /etc, see hostname, download it byte for byte, refresh a tree, open the listing in a notebook", async ({ adminPage: page }) => {
  test.setTimeout(180_000);
  const clients = new ClientsPage(page);
  await clients.goto();
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  const clientId = (await row.getByRole("link").first().textContent())!.trim();
  await row.getByRole("link", { name: clientId }).click();
  await expect(page.getByTestId("client-hostname")).toHaveText(hostname());

  await page.getByTestId("client-tab-files").click();
  await expect(page).toHaveURL(/tab=files/);
  const tab = page.getByTestId("files-tab");
  // The root, listed from the endpoint: etc is one of its directories.
  await tab.getByTestId("files-refresh").click();
  await expect(tab.getByTestId("file-row-etc")).toBeVisible({ timeout: 30_000 });
  await tab.getByTestId("file-row-etc").click();
  await expect(page).toHaveURL(/path=%2Fetc/);
  await tab.getByTestId("files-refresh").click();
  await expect(tab.getByTestId("files-progress")).toContainText(/Listed 1 directory/, { timeout: 30_000 });
  await expect(tab.getByTestId("files-breadcrumb")).toContainText("etc");

  // /etc has more entries than one page on most systems; page until hostname shows up.
  const hostnameRow = tab.getByTestId("file-row-hostname");
  await expect(tab.getByTestId("files-listed")).toContainText(/entries, listed \d+ s ago/);
  const pager = tab.getByTestId("files-pager");
  for (let i = 0; i < 20 && !(await hostnameRow.isVisible()); i++) {
    const before = (await pager.locator("span").textContent()) ?? "";
    await pager.getByRole("button", { name: "Next" }).click();
    await expect(pager.locator("span")).not.toHaveText(before);
  }
  await expect(hostnameRow).toBeVisible();
  await hostnameRow.click();
  const details = tab.getByTestId("file-details");
  const size = statSync("/etc/hostname").size;
  await expect(details.getByTestId("file-size")).toHaveAttribute("data-bytes", String(size));
  await expect(details.getByTestId("file-size")).toContainText(`${size.toLocaleString("en-US")} bytes`);
  const save = details.getByTestId("file-save");
  // Not downloaded yet on a fresh database (a re-run finds the previous run's download).
  if (!(await save.isVisible())) await expect(details.getByTestId("file-sha256")).toContainText("not downloaded");

  const downloadButton = details.getByTestId("file-download");
  await downloadButton.click();
  await expect(downloadButton).toHaveText("Downloading…");
  await expect(downloadButton).toHaveText("Download again", { timeout: 30_000 });
  await expect(save).toBeVisible();
  const expected = readFileSync("/etc/hostname");
  await expect(details.getByTestId("file-sha256")).toHaveText(createHash("sha256").update(expected).digest("hex"));
  mkdirSync("docs/screenshots", { recursive: true });
  await page.setViewportSize({ width: 1366, height: 1000 });
  await tab.evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.screenshot({ path: "docs/screenshots/file-browser.png" });
  const [download] = await Promise.all([page.waitForEvent("download"), save.click()]);
  expect(download.suggestedFilename()).toBe("hostname");
  const got = readFileSync((await download.path())!);
  expect(got.equals(expected)).toBe(true);

  // A recursive refresh of a small tree reports how many directories it listed.
  await tab.getByTestId("files-path").fill("/etc/apt");
  await tab.getByRole("button", { name: "Go" }).click();
  await expect(page).toHaveURL(/path=%2Fetc%2Fapt/);
  await tab.getByTestId("files-refresh-recursive").click();
  await expect(tab.getByTestId("files-progress")).toContainText(/Listed \d+ director/, { timeout: 60_000 });
  await expect(tab.getByTestId("files-listed")).toContainText("entries, listed");

  // Open in notebook: the cell reads this directory's listing with source().
  await tab.getByTestId("files-notebook").click();
  await expect(page).toHaveURL(/\/notebooks\/N\./, { timeout: 30_000 });
  const notebookId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  const notebook = (await (await page.request.get(`/api/notebooks/${notebookId}`)).json()) as { notebook: { cells: Array<{ type: string; input: string }> } };
  const vql = notebook.notebook.cells.filter((c) => c.type === "vql").map((c) => c.input);
  expect(vql).toHaveLength(1);
  expect(vql[0]).toMatch(new RegExp(`FROM source\\(client_id='${clientId.replace(".", "\\.")}', flow_id='F\\.[^']+', artifact='System\\.VFS\\.ListDirectory'\\)`));
  expect(vql[0]).toContain("WHERE dirname(path=OSPath) = '/etc/apt'");
});
