// Artifacts as people use them: find one, read it, write a custom one in the YAML editor
// (markers at the right line, Save blocked while errors remain), override a built-in, upload
// and download, and a reader refused.
import { readFile } from "node:fs/promises";
import { ADMIN, expect, signIn, test, unique } from "./fixtures";
import { ArtifactsPage } from "./pages/artifacts-page";

test("the list searches names and descriptions and filters by type", async ({ adminPage: page }) => {
  const artifacts = new ArtifactsPage(page);
  await artifacts.goto();
  await expect(artifacts.row("Linux.Sys.Pslist")).toBeVisible();
  await artifacts.search("running processes");
  await expect(artifacts.row("Linux.Sys.Pslist")).toBeVisible();
  await expect(artifacts.row("Linux.Sys.Users")).toHaveCount(0);
  await artifacts.search("");
  await artifacts.filterType("NOTEBOOK");
  await expect(artifacts.row("Notebooks.Default")).toBeVisible();
  await expect(artifacts.row("Linux.Sys.Pslist")).toHaveCount(0);
});

test("an artifact's page shows rendered description, parameters and highlighted VQL", async ({ adminPage: page }) => {
  await page.goto("/artifacts/Linux.Search.FileFinder");
  await expect(page.getByRole("heading", { level: 1, name: "Linux.Search.FileFinder" })).toBeVisible();
  const description = page.getByTestId("artifact-description");
  await expect(description.locator("code").first()).toHaveText("*");
  await expect(page.getByTestId("artifact-parameters")).toContainText("SearchFilesGlobTable");
  const query = page.getByTestId("artifact-query").first();
  await expect(query.locator(".vql-kw").first()).toHaveText("LET");
  await expect(query.locator(".vql-fn", { hasText: "glob" })).toBeVisible();
});

test("the editor marks a VQL error at its line, blocks Save, and saves once fixed", async ({ adminPage: page }) => {
  const artifacts = new ArtifactsPage(page);
  const name = `Custom.E2E.${unique("Edit")}`;
  await page.goto("/artifacts/new");
  await expect(artifacts.saveButton()).toBeDisabled();
  const broken = [
    `name: ${name}`,
    "description: |",
    "  Written by the **e2e** test <b>not bold</b>.",
    "sources:",
    "  - query: |",
    "      SELECT Name",
    "      FROM pslist() WHERE Name = = 'x'",
    "",
  ].join("\n");
  // The VQL error is at the second `=` of line 7 of the file (not of the query).
  const line = 7;
  const col = broken.split("\n")[line - 1]!.indexOf("= '") + 1;
  await artifacts.setYaml(broken);
  await expect(page.getByTestId("artifact-problem-count")).toContainText("1 error");
  await expect(page.getByTestId("artifact-problem").first()).toContainText(`${line}:${col}`);
  await expect(artifacts.saveButton()).toBeDisabled();
  // Monaco draws the marker as a squiggle on line 7's row.
  const squiggle = artifacts.editor().locator(".squiggly-error").first();
  await expect(squiggle).toBeVisible();
  const box = (await squiggle.boundingBox())!;
  expect(Math.abs(box.y + box.height / 2 - (await artifacts.lineCentre(line)))).toBeLessThan(8);
  await expect(artifacts.editor().locator(".squiggly-error")).toHaveCount(1);

  await artifacts.setYaml(broken.replace("= = 'x'", "= 'x'"));
  await expect(page.getByTestId("artifact-problem-count")).toHaveText(/no problems|warning/);
  await expect(artifacts.saveButton()).toBeEnabled();
  await artifacts.saveButton().click();
  await expect(page).toHaveURL(new RegExp(`/artifacts/${name.replace(/\./g, "\\.")}$`));
  await expect(page.getByTestId("artifact-description").locator("strong")).toHaveText("e2e");
  await expect(page.getByTestId("artifact-description")).toContainText("<b>not bold</b>");
  await expect(page.getByTestId("artifact-history")).toContainText("created");
  await expect(page.getByTestId("artifact-history")).toContainText(ADMIN.username);
});

test("editing a built-in saves its Custom. copy, which overrides it", async ({ adminPage: page }) => {
  const artifacts = new ArtifactsPage(page);
  await page.goto("/artifacts/Linux.Sys.Uptime");
  await page.getByTestId("artifact-edit").click();
  await expect(page).toHaveURL(/\/artifacts\/Linux\.Sys\.Uptime\/edit$/);
  await expect(artifacts.editor()).toContainText("Custom.Linux.Sys.Uptime", { timeout: 20_000 });
  await expect(artifacts.saveButton()).toBeEnabled();
  await artifacts.saveButton().click();
  await expect(page).toHaveURL(/\/artifacts\/Custom\.Linux\.Sys\.Uptime$/);
  await expect(page.getByText("Replaces")).toBeVisible();
  await artifacts.goto();
  await expect(artifacts.row("Linux.Sys.Uptime")).toContainText("overridden");
});

test("upload a YAML file, download it back, and download all custom artifacts as a zip", async ({ adminPage: page }) => {
  const artifacts = new ArtifactsPage(page);
  const bare = `Uploaded.${unique("Pack")}`;
  await artifacts.goto();
  const yaml = `name: ${bare}\ndescription: from a file\nsources:\n  - query: SELECT 1 AS One FROM scope()\n`;
  await page.getByTestId("artifact-upload").setInputFiles({ name: "upload.yaml", mimeType: "application/yaml", buffer: Buffer.from(yaml) });
  const result = page.getByTestId("artifact-import-result");
  await expect(result).toContainText(`Imported Custom.${bare}`);
  await expect(artifacts.row(`Custom.${bare}`)).toBeVisible();

  await page.goto(`/artifacts/Custom.${bare}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("artifact-download").click()]);
  expect(download.suggestedFilename()).toBe(`Custom.${bare}.yaml`);
  const text = await readFile((await download.path())!, "utf8");
  expect(text).toContain(`name: Custom.${bare}`);
  expect(text).toContain("SELECT 1 AS One FROM scope()");

  await artifacts.goto();
  const [zip] = await Promise.all([page.waitForEvent("download"), page.getByTestId("artifact-export-all").click()]);
  expect(zip.suggestedFilename()).toBe("custom-artifacts.zip");
  const bytes = await readFile((await zip.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  expect(bytes.includes(Buffer.from(`Custom/${bare.replace(".", "/")}.yaml`))).toBe(true);
});

test("a reader can read artifacts but is refused when saving", async ({ adminPage, browser }) => {
  const name = unique("artreader");
  const origin = new URL(adminPage.url()).origin;
  const created = await adminPage.request.post("/api/users", { headers: { Origin: origin }, data: { username: name, password: "reader-password", role: "reader" } });
  expect(created.status()).toBe(201);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, name, "reader-password");
  const artifacts = new ArtifactsPage(page);
  await artifacts.goto();
  await expect(artifacts.row("Linux.Sys.Pslist")).toBeVisible();
  await expect(page.getByTestId("artifact-new")).toHaveCount(0);
  await expect(page.getByTestId("artifact-upload")).toHaveCount(0);
  await page.goto("/artifacts/Linux.Sys.Pslist");
  await expect(page.getByTestId("artifact-edit")).toHaveCount(0);

  await page.goto("/artifacts/new");
  await expect(page.getByText("Your role cannot save artifacts")).toBeVisible();
  await expect(artifacts.saveButton()).toBeDisabled();
  const res = await page.request.post("/api/artifacts", {
    headers: { Origin: origin },
    data: { yaml: "name: Custom.Reader.Try\nsources:\n  - query: SELECT 1 FROM scope()\n" },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).message).toContain("ARTIFACT_WRITER");
  const del = await page.request.delete("/api/artifacts/Custom.Linux.Sys.Uptime", { headers: { Origin: origin } });
  expect(del.status()).toBe(403);
  await ctx.close();
});
