// The workspace's HTTP API as a signed-in page's request context sees it (the session cookie,
// plus the Origin header the server requires of writes), for specs that set up or check state
// beside what they do in the browser.
import { expect, type APIRequestContext } from "@playwright/test";

export type Json = Record<string, any>;

export function api(request: APIRequestContext, origin: string) {
  const headers = { Origin: origin };
  const get = async (path: string): Promise<Json> => {
    const res = await request.get(path);
    expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
    return (await res.json()) as Json;
  };
  return {
    get,
    async saveArtifact(yaml: string) {
      const res = await request.post("/api/artifacts", { data: { yaml }, headers });
      expect(res.status(), await res.text()).toBe(201);
    },
    /** Runs VQL on the server; the last JSON line is the status. */
    async query(vql: string): Promise<Json> {
      const res = await request.post("/api/v1/query", { data: { query: vql }, headers });
      expect(res.status()).toBe(200);
      const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as Json);
      return lines[lines.length - 1]!;
    },
    async post(path: string, data: unknown) {
      const res = await request.post(path, { data, headers });
      expect(res.status(), await res.text()).toBeLessThan(300);
    },
    async delete(path: string) {
      return (await request.delete(path, { headers })).status();
    },
    /** One client's record (GET /api/clients/:id). */
    async client(id: string): Promise<Json> {
      return (await get(`/api/clients/${id}`)).client as Json;
    },
  };
}
