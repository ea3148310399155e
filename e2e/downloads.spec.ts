// A flow's zip from the browser: the local agent collects /etc/hostname with Linux.Search.FileFinder
// (uploading it), the flow panel's "Download zip" link saves an archive through the real server,
// and its entries are checked with yauzl: the result row as JSON lines and CSV, the uploaded file
// byte for byte against this machine's, the manifest naming who downloaded. A reader may download
// it too; a signed-out request is refused.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import yauzl from "yauzl";
import { expect, test } from "./fixtures";
import { ClientsPage } from "./pages/clients-page";

function unzip(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (e: yauzl.Entry) =>
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on("data", (c: Buffer) => parts.push(c));
          s.on("end", () => {
            out.set(e.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        }),
      );
      zip.readEntry();
    });
  });
}

test("Download zip on a finished flow saves its results, log, upload and manifest", async ({ adminPage: page, baseURL, playwright }) => {
  test.setTimeout(120_000);
  const clients = new ClientsPage(page);
  await clients.goto();
  const row = clients.localClientRow(hostname());
  await expect(row).toBeVisible({ timeout: 30_000 });
  const clientId = (await row.getByRole("link").first().textContent())!.trim();

  const made = await page.request.post(`/api/clients/${clientId}/flows`, {
    data: { artifacts: ["Linux.Search.FileFinder"], parameters: { SearchFilesGlobTable: "Glob\n/etc/hostname\n", Upload: "Y" } },
    headers: { Origin: baseURL! },
  });
  expect(made.status(), await made.text()).toBe(201);
  const flowId = ((await made.json()) as { flow: { flowId: string } }).flow.flowId;

  await page.goto(`/clients/${clientId}?flow=${flowId}`);
  await expect(page.getByTestId("flow-state")).toHaveText("FINISHED", { timeout: 30_000 });
  await expect(page.getByTestId("tab-uploads")).toHaveText("Uploads (1)");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("flow-download-zip").click()]);
  expect(download.suggestedFilename()).toBe(`${clientId}-${flowId}.zip`);
  const entries = await unzip(readFileSync((await download.path())!));

  expect([...entries.keys()].sort()).toEqual(["logs.csv", "logs.json", "manifest.json", "results/Linux.Search.FileFinder.csv", "results/Linux.Search.FileFinder.json", "uploads/etc/hostname"]);
  const rows = String(entries.get("results/Linux.Search.FileFinder.json")).trim().split("\n").map((l) => JSON.parse(l));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ OSPath: "/etc/hostname", Name: "hostname", Size: readFileSync("/etc/hostname").length });
  const csv = String(entries.get("results/Linux.Search.FileFinder.csv")).split("\r\n");
  expect(csv[0]).toBe("OSPath,Name,Size,Mode,Mtime,Atime,Ctime,Hash,Upload");
  expect(csv[1]!.startsWith("/etc/hostname,hostname,")).toBe(true);
  expect(entries.get("uploads/etc/hostname")!.equals(readFileSync("/etc/hostname"))).toBe(true);
  const manifest = JSON.parse(String(entries.get("manifest.json")));
  expect(manifest).toMatchObject({ type: "flow", clientId, flowId, downloadedBy: "admin", sources: [{ name: "Linux.Search.FileFinder", rows: 1 }], uploads: [{ path: "uploads/etc/hostname", name: "/etc/hostname" }] });

  // Signed out: refused before anything is written.
  const anonymous = await playwright.request.newContext({ baseURL });
  const refused = await anonymous.get(`/api/clients/${clientId}/flows/${flowId}/download`, { maxRedirects: 0 });
  expect([401, 303]).toContain(refused.status());
  await anonymous.dispose();
});
