// Parameter forms by type in the Collect dialog, against the local agent: Linux.Search.FileFinder's
// csv parameter is a grid (header and default row from its default), a bool is a checkbox, an int
// that is not a number and a regex that is not RE2 show their problem and block launching, a
// timestamp has a date-time picker; collecting /etc/hostname through the grid finds it.
import { hostname } from "node:os";
import { expect, test } from "./fixtures";
import { ClientsPage } from "./pages/clients-page";

const A = "Linux.Search.FileFinder";

test("the Collect dialog's parameter fields follow their types, and the csv grid collects /etc/hostname", async ({ adminPage: page }) => {
  test.setTimeout(120_000);
  const clients = new ClientsPage(page);
  await clients.goto();
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  const clientId = (await row.getByRole("link").first().textContent())!.trim();
  await page.goto(`/clients/${clientId}`);

  await page.getByTestId("collect-open").click();
  const dialog = page.getByTestId("collect-dialog");
  await dialog.getByTestId("collect-filter").fill(A);
  await dialog.getByTestId(`collect-pick-${A}`).check();

  // The csv parameter: a grid with the default's header and its row.
  const grid = dialog.getByTestId(`param-${A}-SearchFilesGlobTable-grid`);
  await expect(grid.getByTestId(`param-${A}-SearchFilesGlobTable-header-0`)).toHaveText("Glob");
  await expect(grid.getByTestId(`param-${A}-SearchFilesGlobTable-cell-0-0`)).toHaveValue("/home/*/.ssh/authorized_keys");
  // Rows are added and removed.
  await grid.getByTestId(`param-${A}-SearchFilesGlobTable-add`).click();
  await expect(grid.getByTestId(`param-${A}-SearchFilesGlobTable-cell-1-0`)).toHaveValue("");
  await grid.getByTestId(`param-${A}-SearchFilesGlobTable-remove-1`).click();
  await expect(grid.getByTestId(`param-${A}-SearchFilesGlobTable-cell-1-0`)).toHaveCount(0);
  await grid.getByTestId(`param-${A}-SearchFilesGlobTable-cell-0-0`).fill("/etc/hostname");

  // A bool is a checkbox.
  const hashes = dialog.getByTestId(`param-${A}-Hashes`);
  await expect(hashes).toHaveAttribute("type", "checkbox");
  await expect(hashes).not.toBeChecked();

  const start = dialog.getByTestId("collect-start");
  await expect(start).toBeEnabled();

  // An int that is not a number: an error, and no launching.
  const maxSize = dialog.getByTestId(`param-${A}-MaxSize`);
  await maxSize.fill("abc");
  await expect(dialog.getByTestId(`param-${A}-MaxSize-error`)).toHaveText("not a whole number");
  await expect(maxSize).toHaveAttribute("aria-invalid", "true");
  await expect(start).toBeDisabled();
  await maxSize.fill("1048576");
  await expect(dialog.getByTestId(`param-${A}-MaxSize-error`)).toHaveCount(0);
  await expect(start).toBeEnabled();

  // A regex that RE2 refuses: invalid, and no launching; a good one says so.
  const regex = dialog.getByTestId(`param-${A}-ContentRegex`);
  await regex.fill("(");
  await expect(dialog.getByTestId(`param-${A}-ContentRegex-error`)).toContainText("invalid regular expression");
  await expect(start).toBeDisabled();
  await regex.fill("");
  await expect(start).toBeEnabled();

  // A timestamp: a date-time picker with a time zone, sent as RFC3339. Only ModifiedBefore set.
  const before = dialog.getByTestId(`param-${A}-ModifiedBefore`);
  await expect(before).toHaveAttribute("type", "datetime-local");
  await before.fill("2099-01-01T00:00");
  await expect(dialog.getByTestId(`param-${A}-ModifiedBefore-sent`)).toHaveText("sent as 2099-01-01T00:00:00Z");

  await grid.scrollIntoViewIfNeeded();
  await dialog.screenshot({ path: "docs/screenshots/collect-dialog.png" });

  await start.click();
  await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 30_000 });
  const results = page.getByTestId("flow-results");
  await expect(results.locator("td", { hasText: /^\/etc\/hostname$/ }).first()).toBeVisible();
});

const UPLOADS = "Custom.E2E.Uploads";
const UPLOADS_YAML = `name: ${UPLOADS}
type: CLIENT
resources:
  timeout: 45
parameters:
  - name: Rules
    type: upload
  - name: Package
    type: upload_file
sources:
  - query: |
      SELECT Rules, hash(path=Package).SHA256 AS PackageSha256, len(list=read_file(filename=Package)) AS PackageBytes
      FROM scope()
`;

test("upload parameters: a picked file's text reaches the query, and upload_file is a temporary file with the file's bytes", async ({ adminPage: page }) => {
  test.setTimeout(120_000);
  const clients = new ClientsPage(page);
  await clients.goto();
  const created = await page.request.post("/api/artifacts", { headers: { Origin: new URL(page.url()).origin }, data: { yaml: UPLOADS_YAML } });
  expect(created.status()).toBe(201);
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  const clientId = (await row.getByRole("link").first().textContent())!.trim();
  await page.goto(`/clients/${clientId}`);

  await page.getByTestId("collect-open").click();
  const dialog = page.getByTestId("collect-dialog");
  await dialog.getByTestId("collect-filter").fill(UPLOADS);
  await dialog.getByTestId(`collect-pick-${UPLOADS}`).check();

  const rules = "rule e2e { condition: true }\n";
  // Bytes that are not UTF-8, so a text round trip would change them.
  const pkg = Buffer.from([0x21, 0x3c, 0x61, 0x72, 0x63, 0x68, 0x3e, 0x0a, 0x00, 0xff, 0x80, 0xfe]);
  await dialog.getByTestId(`param-${UPLOADS}-Rules-file`).setInputFiles({ name: "rules.yar", mimeType: "text/plain", buffer: Buffer.from(rules) });
  await expect(dialog.getByTestId(`param-${UPLOADS}-Rules-picked`)).toContainText("rules.yar (29 B)");
  await dialog.getByTestId(`param-${UPLOADS}-Package-file`).setInputFiles({ name: "tool.deb", mimeType: "application/octet-stream", buffer: pkg });
  await expect(dialog.getByTestId(`param-${UPLOADS}-Package-picked`)).toContainText("tool.deb (12 B)");

  // A file over the limit is refused with the reason, and the earlier pick stays.
  await dialog.getByTestId(`param-${UPLOADS}-Package-file`).setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(600 * 1024) });
  await expect(dialog.getByTestId(`param-${UPLOADS}-Package-file-error`)).toContainText("big.bin is 600 KiB; a parameter can carry a file of up to 512 KiB");
  await expect(dialog.getByTestId(`param-${UPLOADS}-Package-picked`)).toContainText("tool.deb (12 B)");

  // Limits left empty are not sent: the artifact's resources.timeout is the collection's.
  await expect(dialog.getByTestId("collect-timeout")).toHaveValue("");
  await expect(dialog.getByTestId("collect-timeout")).toHaveAttribute("placeholder", "45");
  await expect(dialog.getByTestId("collect-max-rows")).toHaveAttribute("placeholder", "1000000");
  const sent = page.waitForResponse((r) => r.url().endsWith(`/api/clients/${clientId}/flows`) && r.request().method() === "POST");
  await dialog.getByTestId("collect-start").click();
  const body = (await (await sent).request().postDataJSON()) as Record<string, unknown>;
  expect(body).not.toHaveProperty("timeoutSec");
  const { flow } = (await (await sent).json()) as { flow: { flowId: string; timeoutMs: number } };
  expect(flow.timeoutMs).toBe(45_000);
  await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 30_000 });
  const results = page.getByTestId("flow-results");
  const { createHash } = await import("node:crypto");
  await expect(results.locator("td", { hasText: createHash("sha256").update(pkg).digest("hex") })).toBeVisible();
  await expect(results.locator("td", { hasText: /^12$/ })).toBeVisible();
  await expect(results.locator("td", { hasText: "rule e2e { condition: true }" })).toBeVisible();
});
