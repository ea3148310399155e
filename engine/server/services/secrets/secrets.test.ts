// The secrets service on each test database, and through VQL: administrators manage; resolve()
// serves administrators and users a secret is shared with; values never come back from a
// listing, an audit entry, a log line, a result row or an error, even when http_client() uses
// the secret against a refused destination.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets } from "@/drizzle/testing";
import type { Database } from "@/drizzle";
import { createRegistry, portableBuiltins, runVql, toJsonValue } from "@/engine/vql";
import { permissionsOf } from "../../auth/roles";
import { testServiceDeps, type TestDeps } from "../../cluster/testing";
import { startAudit } from "../audit";
import { serverBuiltins } from "../../plugins";
import type { AuditService, Principal, SecretsService, VqlServices } from "@/engine/server/contracts";
import { startSecrets } from ".";

const registry = createRegistry([...portableBuiltins, ...serverBuiltins]);
const as = (role: string, username = role): Principal => ({ userId: username, username, role, permissions: permissionsOf(role), via: "session" });
const admin = as("administrator", "alice");
const bob = as("investigator", "bob");
const carol = as("analyst", "carol");
const HOOK = "https://hooks.slack.example/services/T0/B0/xoxb-secret-path-77";
const TOKEN = "Bearer tok-secret-value-55";

for (const target of testDatabaseTargets()) {
  describe(`secrets service on ${target.name}`, () => {
    let database: Database;
    let t: TestDeps;
    let audit: AuditService;
    let secrets: SecretsService;

    beforeAll(async () => {
      database = await target.open();
      t = await testServiceDeps(database);
      audit = startAudit(t);
      secrets = startSecrets({ ...t, audit });
    });
    afterAll(async () => {
      await t?.stop();
      await database?.close();
    });

    async function vql(text: string, principal: Principal = admin) {
      const rows: unknown[] = [];
      const logs: string[] = [];
      const services = { secrets } as unknown as VqlServices;
      for await (const e of runVql(text, { registry, host: { principal, services }, permissions: principal.permissions })) {
        if (e.kind === "row") rows.push(toJsonValue(e.row));
        if (e.kind === "log") logs.push(`${e.level} ${e.message}`);
      }
      return { rows, logs };
    }

    it("add() stores a typed secret and list() shows its name, type and field names only", async () => {
      const s = await secrets.add(admin, { name: "slack", type: "Webhook", values: { url: HOOK, extra_headers: { Authorization: TOKEN } } });
      expect(s).toMatchObject({ name: "slack", type: "Webhook", fields: ["extra_headers", "url"], users: [], createdBy: "alice", updatedBy: "alice" });
      expect(s.createdAt).toBeInstanceOf(Date);
      expect((await secrets.list(admin)).map((x) => x.name)).toEqual(["slack"]);
    });

    it("management needs SERVER_ADMIN", async () => {
      await expect(secrets.list(bob)).rejects.toMatchObject({ code: "forbidden" });
      await expect(secrets.add(bob, { name: "x", type: "Webhook", values: { url: "https://x.example/" } })).rejects.toMatchObject({ code: "forbidden" });
      await expect(secrets.modify(bob, "slack", { addUsers: ["bob"] })).rejects.toMatchObject({ code: "forbidden" });
      await expect(secrets.remove(bob, "slack")).rejects.toMatchObject({ code: "forbidden" });
    });

    it("refuses bad names, unknown types, unknown or missing fields and duplicates, naming fields only", async () => {
      await expect(secrets.add(admin, { name: "no spaces", type: "Webhook", values: { url: HOOK } })).rejects.toMatchObject({ code: "bad_request" });
      await expect(secrets.add(admin, { name: "a", type: "Nope", values: {} })).rejects.toThrow("unknown secret type `Nope`; expected `HTTP Secrets` or `Elastic` or `Splunk` or `AWS S3 Creds` or `ADX Creds` or `Webhook` or `SMTP Creds`");
      await expect(secrets.add(admin, { name: "a", type: "Webhook", values: { url: HOOK, token: "tok-secret-value-55" } })).rejects.toThrow("a Webhook secret has no field `token`; expected url, extra_headers");
      await expect(secrets.add(admin, { name: "a", type: "Webhook", values: {} })).rejects.toThrow("a Webhook secret needs field `url`");
      await expect(secrets.add(admin, { name: "a", type: "Webhook", values: { url: "ftp://x" } })).rejects.toThrow("field `url` of a Webhook secret must be an http or https URL");
      await expect(secrets.add(admin, { name: "slack", type: "Webhook", values: { url: HOOK } })).rejects.toMatchObject({ code: "conflict" });
    });

    it("resolve() serves administrators and users it is shared with, of the type asked for", async () => {
      expect((await secrets.resolve(admin, "slack", "Webhook")).values).toEqual({ url: HOOK, extra_headers: { Authorization: TOKEN } });
      await expect(secrets.resolve(bob, "slack", "Webhook")).rejects.toThrow("secret slack is not shared with bob");
      await secrets.modify(admin, "slack", { type: "Webhook", addUsers: ["bob", "Carol"] });
      expect((await secrets.resolve(bob, "slack", "Webhook")).values.url).toBe(HOOK);
      expect((await secrets.resolve(carol, "slack", "Webhook")).values.url).toBe(HOOK);
      await expect(secrets.resolve(bob, "slack", "HTTP Secrets")).rejects.toThrow("secret slack is of type Webhook, not HTTP Secrets");
      await secrets.modify(admin, "slack", { removeUsers: ["carol"] });
      await expect(secrets.resolve(carol, "slack", "Webhook")).rejects.toMatchObject({ code: "forbidden" });
      expect((await secrets.list(admin))[0].users).toEqual(["bob"]);
      await expect(secrets.resolve(admin, "missing", "Webhook")).rejects.toMatchObject({ code: "not_found" });
    });

    it("SMTP Creds: a port is a number from 1 to 65535, kept as a string; mail() uses the secret without showing its password", async () => {
      await expect(secrets.add(admin, { name: "relay", type: "SMTP Creds", values: { server: "127.0.0.1", server_port: "70000" } })).rejects.toThrow(
        "field `server_port` of a SMTP Creds secret must be a port number (1 to 65535)",
      );
      const add = await vql(`SELECT secret_add(name='relay', type='SMTP Creds', secret=dict(server='127.0.0.1', server_port=2525, auth_username='alice', auth_password='smtp-pass-secret-31')) AS A FROM scope()`);
      expect(add).toEqual({ rows: [{ A: "relay" }], logs: [] });
      expect((await secrets.resolve(admin, "relay", "SMTP Creds")).values).toEqual({ server: "127.0.0.1", server_port: "2525", auth_username: "alice", auth_password: "smtp-pass-secret-31" });
      // Loopback is refused (no allow-list here) before any connection: the status names the address only.
      // period=-1: the mail throttle is process-wide (as Velociraptor's), and this test runs once per database.
      const sent = await vql("SELECT mail(secret='relay', to='bob@example.org', body='b', period=-1) AS M FROM scope()");
      expect(sent.rows).toEqual([{ M: { ErrorStatus: "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)" } }]);
      const everything = JSON.stringify({ add, sent, list: await secrets.list(admin), audit: await audit.list({ limit: 500 }) });
      expect(everything).not.toContain("smtp-pass-secret-31");
      await secrets.remove(admin, "relay", "SMTP Creds");
    });

    it("modify() replaces values; remove() deletes (type must match)", async () => {
      await secrets.add(admin, { name: "temp", type: "Webhook", values: { url: "https://a.example/1" } });
      await secrets.modify(admin, "temp", { values: { url: "https://a.example/2" } });
      expect((await secrets.resolve(admin, "temp", "Webhook")).values.url).toBe("https://a.example/2");
      await expect(secrets.remove(admin, "temp", "HTTP Secrets")).rejects.toMatchObject({ code: "bad_request" });
      await secrets.remove(admin, "temp", "Webhook");
      await expect(secrets.resolve(admin, "temp", "Webhook")).rejects.toMatchObject({ code: "not_found" });
    });

    it("VQL: secret_add() returns the name, secrets() lists per type without values, secret_modify() shares and deletes", async () => {
      const add = await vql(`SELECT secret_add(name='api', type='HTTP Secrets', secret=dict(url='http://127.0.0.1:9/api/${"key-in-path-99"}', extra_headers=dict(Authorization='${TOKEN}'), method='POST')) AS A FROM scope()`);
      expect(add).toEqual({ rows: [{ A: "api" }], logs: [] });
      const list = await vql("SELECT type_name, fields, secrets.name AS names, secrets.users AS users FROM secrets()");
      expect(list.rows).toEqual([
        { type_name: "HTTP Secrets", fields: ["url", "method", "user_agent", "extra_headers", "extra_params", "cookies", "skip_verify", "root_ca"], names: ["api"], users: [[]] },
        { type_name: "Elastic", fields: ["addresses", "username", "password", "api_key", "cloud_id", "index", "type", "pipeline", "action", "skip_verify", "root_ca"], names: [], users: [] },
        { type_name: "Splunk", fields: ["url", "token", "index", "source", "hostname", "hostname_field", "skip_verify", "root_ca"], names: [], users: [] },
        { type_name: "AWS S3 Creds", fields: ["region", "credentials_key", "credentials_secret", "credentials_token", "endpoint", "serverside_encryption", "kms_encryption_key", "path_style"], names: [], users: [] },
        { type_name: "ADX Creds", fields: ["cluster_url", "database", "table", "client_id", "client_secret", "tenant_id"], names: [], users: [] },
        { type_name: "Webhook", fields: ["url", "extra_headers"], names: ["slack"], users: [["bob"]] },
        { type_name: "SMTP Creds", fields: ["server", "server_port", "auth_username", "auth_password", "from", "skip_verify", "root_ca"], names: [], users: [] },
      ]);
      expect(await vql("SELECT secret_modify(name='api', type='HTTP Secrets', add_users='carol') AS M FROM scope()")).toEqual({ rows: [{ M: "api" }], logs: [] });
      expect((await vql("SELECT secret_add(name='x', type='Webhook', secret=dict(url='https://x.example/')) AS A FROM scope()", carol)).logs.join()).toMatch(/permission denied: `secret_add\(\)` needs SERVER_ADMIN/);
    });

    it("a secret used by http_client() against a refused destination appears in no row, log, audit entry or listing", async () => {
      const carolNet = { ...carol, permissions: new Set([...carol.permissions, "NETWORK" as const]) };
      const run = await vql("SELECT * FROM http_client(url='secret://api')", carolNet);
      expect(run.rows).toEqual([{ Url: "http://127.0.0.1:9/…redacted", Content: "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)", Response: 500, Headers: {} }]);
      const failed = await vql("SELECT * FROM http_client(secret='slack', url='https://ignored.example/')", carolNet);
      expect(failed.logs).toEqual(["ERROR http_client: secret slack is not shared with carol"]);
      const bad = await vql(`SELECT secret_add(name='slack', type='Webhook', secret=dict(url='${HOOK}')) AS A FROM scope()`);
      expect(bad).toEqual({ rows: [{ A: null }], logs: ["ERROR secret_add: a secret named slack already exists"] });
      const everything = JSON.stringify({ run, failed, bad, list: await secrets.list(admin), vqlList: await vql("SELECT * FROM secrets()"), audit: await audit.list({ limit: 500 }) });
      for (const value of [HOOK, "xoxb-secret-path-77", TOKEN, "tok-secret-value-55", "key-in-path-99"]) expect(everything).not.toContain(value);
      const operations = (await audit.list({ limit: 500 })).map((e) => [e.operation, e.details]);
      expect(operations).toContainEqual(["secret_add", { name: "slack", type: "Webhook", fields: ["extra_headers", "url"] }]);
      expect(operations).toContainEqual(["secret_modify", { name: "slack", type: "Webhook", addUsers: ["bob", "carol"] }]);
    });

    it("AWS S3 Creds and ADX Creds secrets used by upload_s3() and adx_upload() against a refused destination appear in no row, log, audit entry or listing", async () => {
      const S3_SECRET = "s3-secret-access-key-value-31";
      const ADX_SECRET = "adx-client-secret-value-32";
      const add = await vql(`SELECT secret_add(name='bucket', type='AWS S3 Creds', secret=dict(region='eu-west-1', credentials_key='AKIDSECRETTEST', credentials_secret='${S3_SECRET}', credentials_token='session-token-value-33', endpoint='http://127.0.0.1:9', path_style=TRUE)) AS A, secret_add(name='kusto', type='ADX Creds', secret=dict(cluster_url='http://127.0.0.1:9', database='velo', client_id='app-id', client_secret='${ADX_SECRET}', tenant_id='tenant')) AS B FROM scope()`);
      expect(add).toEqual({ rows: [{ A: "bucket", B: "kusto" }], logs: [] });
      const s3 = await vql("SELECT upload_s3(file='evidence', accessor='data', name='e.txt', bucket='b', secret='bucket') AS U FROM scope()");
      const refused = "refused: 127.0.0.1 is a loopback address (allow it with TALON_HTTP_CLIENT_ALLOW)";
      expect(s3.rows).toEqual([{ U: { Path: "", Size: 0, Error: refused, UploadId: 0 } }]);
      const adx = await vql("SELECT * FROM adx_upload(query={SELECT 1 AS A FROM scope()}, secret='kusto')");
      expect(adx.rows).toEqual([{ Rows: 1, Bytes: expect.any(Number), DurationMs: expect.any(Number), FlushReason: "channel_closed", Status: "Error", Response: refused }]);
      const everything = JSON.stringify({ add, s3, adx, list: await secrets.list(admin), vqlList: await vql("SELECT * FROM secrets()"), audit: await audit.list({ limit: 500 }) });
      for (const value of [S3_SECRET, "session-token-value-33", ADX_SECRET]) expect(everything).not.toContain(value);
      const operations = (await audit.list({ limit: 500 })).map((e) => [e.operation, e.details]);
      expect(operations).toContainEqual(["secret_add", { name: "bucket", type: "AWS S3 Creds", fields: ["credentials_key", "credentials_secret", "credentials_token", "endpoint", "path_style", "region"] }]);
    });
  });
}
