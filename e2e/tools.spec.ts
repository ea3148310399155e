// The Tools page: an artifact declares a served-locally tool, an administrator uploads its file
// and sees the sha256 (computed here from the bytes) and the serve-locally state, agents can
// download it by its token, the administrator then points it at a URL; a reader sees the table
// without upload controls and the API refuses a reader and an analyst. Names and file names come
// from artifacts, so one carries markup that must show as text.
import { createHash } from "node:crypto";
import { request as playwrightRequest } from "@playwright/test";
import { expect, test, unique, userPage } from "./fixtures";

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

test("an administrator uploads a tool an artifact declares; a reader and an analyst cannot", async ({ adminPage: page, browser, baseURL }) => {
  const origin = String(baseURL);
  const tool = unique("E2ETool_");
  const artifact = `Custom.E2E.${unique("Tools")}`;
  const filename = '<img src=x onerror="window.__toolXss=1">.exe';
  const yaml = [
    `name: ${artifact}`,
    "description: Declares a tool for the tools page test.",
    "tools:",
    `  - name: ${tool}`,
    "    serve_locally: true",
    `    filename: '${filename}'`,
    "sources:",
    "  - query: SELECT * FROM info()",
    "",
  ].join("\n");
  const made = await page.request.post("/api/artifacts", { headers: { Origin: origin }, data: { yaml } });
  expect(made.status(), await made.text()).toBe(201);
  // The tools service adds the artifact's tools when it hears of the change (the journal).
  await expect
    .poll(async () => ((await (await page.request.get("/api/tools")).json()).tools as Array<{ name: string }>).some((t) => t.name === tool), { timeout: 15_000 })
    .toBe(true);

  await page.goto("/tools");
  await expect(page.getByRole("heading", { level: 1, name: "Tools" })).toBeVisible();
  const row = page.getByTestId(`tool-row-${tool}`);
  await expect(row.getByTestId("tool-artifact")).toHaveText(artifact);
  await expect(row.getByTestId("tool-serve-locally")).toHaveText("yes");
  await expect(row.getByTestId("tool-delivery")).toContainText("no file uploaded yet");
  await expect(row.getByTestId("tool-override")).toHaveText("no");
  // The artifact's file name is text, not markup.
  await expect(row.getByText(filename, { exact: true })).toBeVisible();
  await expect(row.locator("img")).toHaveCount(0);

  const bytes = Buffer.from(`#!/bin/sh\necho talon e2e tool ${tool}\n`);
  await row.getByTestId("tool-upload-file").setInputFiles({ name: "anything.sh", mimeType: "application/x-sh", buffer: bytes });
  await row.getByTestId("tool-upload").click();
  await expect(page.getByTestId("tools-message")).toContainText(`Uploaded the file of ${tool}`);
  await expect(row.getByTestId("tool-hash")).toHaveText(sha256(bytes));
  await expect(row.getByTestId("tool-serve-locally")).toHaveText("yes");
  await expect(row.getByTestId("tool-delivery")).toHaveText("served by this server");
  await expect(row.getByTestId("tool-override")).toHaveText("yes");
  await expect(row.getByTestId("tool-artifact")).toHaveText(artifact);
  await expect(row).toContainText(`${bytes.length} bytes`);
  await expect(row).toContainText("admin ·");
  expect(await page.evaluate(() => (window as unknown as { __toolXss?: number }).__toolXss)).toBeUndefined();

  // Agents (no session) fetch it by the token the inventory lists.
  const listed = ((await (await page.request.get("/api/tools")).json()).tools as Array<{ name: string; filestorePath: string; hash: string }>).find((t) => t.name === tool)!;
  expect(listed.hash).toBe(sha256(bytes));
  const anonymous = await playwrightRequest.newContext({ baseURL: origin });
  const got = await anonymous.get(`/api/tools/download/${listed.filestorePath}`);
  expect(got.status()).toBe(200);
  expect(Buffer.from(await got.body()).equals(bytes)).toBe(true);
  await anonymous.dispose();

  // A reader sees the inventory but no upload or URL controls; the API refuses it, and an analyst.
  const reader = await userPage(page, browser, origin, "reader", "tl");
  await reader.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tools", exact: true }).click();
  await expect(reader.page).toHaveURL(/\/tools$/);
  const readerRow = reader.page.getByTestId(`tool-row-${tool}`);
  await expect(readerRow.getByTestId("tool-hash")).toHaveText(sha256(bytes));
  await expect(reader.page.getByTestId("tool-upload-form")).toHaveCount(0);
  await expect(reader.page.getByTestId("tool-url-form")).toHaveCount(0);
  await expect(reader.page.getByTestId("tool-upload-file")).toHaveCount(0);
  const refusedPut = await reader.page.request.put(`/api/tools/${tool}/file`, { headers: { Origin: origin, "Content-Type": "application/octet-stream" }, data: Buffer.from("evil") });
  expect(refusedPut.status()).toBe(403);
  await reader.close();
  const analyst = await userPage(page, browser, origin, "analyst", "tl");
  const refusedPost = await analyst.page.request.post("/api/tools", { headers: { Origin: origin }, data: { tool, url: "https://tools.example/evil.exe" } });
  expect(refusedPost.status()).toBe(403);
  const refusedUpload = await analyst.page.request.put(`/api/tools/${tool}/file`, { headers: { Origin: origin, "Content-Type": "application/octet-stream" }, data: Buffer.from("evil") });
  expect(refusedUpload.status()).toBe(403);
  await analyst.close();
  // Nothing changed.
  await page.reload();
  await expect(row.getByTestId("tool-hash")).toHaveText(sha256(bytes));

  // The administrator points the tool at a URL with the sha256 agents must check.
  const pinned = "ab".repeat(32);
  await row.getByTestId("tool-url-input").fill("https://tools.example/dl/tool.exe");
  await row.getByTestId("tool-hash-input").fill(pinned.toUpperCase());
  await row.getByTestId("tool-url-set").click();
  await expect(page.getByTestId("tools-message")).toContainText(`Set the URL of ${tool}`);
  await expect(row.getByTestId("tool-serve-locally")).toHaveText("no");
  await expect(row.getByTestId("tool-url")).toHaveText("https://tools.example/dl/tool.exe");
  await expect(row.getByTestId("tool-hash")).toHaveText(pinned);
  await expect(row.getByTestId("tool-delivery")).toHaveText("fetched from its URL");
});

test("the tools routes refuse a tool not in the inventory, a cross-site request and a url that is not http(s)", async ({ adminPage: page, baseURL }) => {
  const origin = String(baseURL);
  const empty = await page.request.put(`/api/tools/${unique("NoSuchTool_")}/file`, { headers: { Origin: origin, "Content-Type": "application/octet-stream" }, data: Buffer.from("x") });
  expect(empty.status()).toBe(404);
  const crossSite = await page.request.put(`/api/tools/${unique("NoSuchTool_")}/file`, { headers: { Origin: "https://evil.example", "Content-Type": "application/octet-stream" }, data: Buffer.from("x") });
  expect(crossSite.status()).toBe(403);
  const badUrl = await page.request.post("/api/tools", { headers: { Origin: origin }, data: { tool: "X", url: "file:///etc/passwd" } });
  expect(badUrl.status()).toBe(400);
});
