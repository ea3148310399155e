// Notebook-level operations: list, create (blank, from a template, or from imported text),
// read, update (sharing only by the creator), delete, copy, and plain-text export. A sharing
// change commits with its event on Server.Internal.AccessChange: every process re-checks who
// holds the notebook's topic and document.
import { queries } from "@/drizzle";
import type { PlainNotebook } from "@/engine/notebooks/plain-text";
import { parsePlainNotebook, serializePlainNotebook } from "@/engine/notebooks/plain-text";
import { ACCESS_CHANGE_QUEUE, requirePermission, ServiceError, type AccessChange, type Principal, type RoleLimits } from "@/engine/server/contracts";
import { loadForEdit, loadForRead } from "./access";
import { cleanInput } from "./cells";
import type { NotebooksDeps } from "./deps";
import { publish } from "./events";
import type { CreateNotebookRequest, ListNotebooksRequest, NotebookParameter, NotebookSettings, NotebookView, UpdateNotebookRequest } from "@/engine/server/contracts/notebooks";
import { loadTemplate } from "./templates";
import { cellView, notebookView, summaryOf } from "./views";
import { storableText } from "@/engine/protocol";

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARAM_TYPES = new Set(["string", "int", "bool", "timestamp", "choices", "json"]);

/** PostgreSQL text cannot hold NUL: it becomes U+FFFD, as in cell inputs (cells.ts cleanInput). */
const noNul = storableText;

function cleanName(name: unknown): string {
  const n = noNul(String(name ?? "").trim());
  if (!n) throw new ServiceError("bad_request", "a notebook needs a name");
  if (n.length > 200) throw new ServiceError("bad_request", "the name is longer than 200 characters");
  return n;
}

export function cleanCollaborators(list: unknown, creator: string): string[] {
  if (!Array.isArray(list)) return [];
  const out = new Set<string>();
  for (const v of list) {
    const u = String(v ?? "").trim().toLowerCase();
    if (!u) continue;
    if (!/^[a-z0-9._@-]{1,100}$/.test(u)) throw new ServiceError("bad_request", `\`${u}\` is not a user name`);
    if (u !== creator) out.add(u);
  }
  return [...out];
}

export function cleanParameters(list: unknown): NotebookParameter[] {
  if (!Array.isArray(list)) throw new ServiceError("bad_request", "`parameters` must be a list");
  const seen = new Set<string>();
  return list.map((raw) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    const name = String(p.name ?? "").trim();
    if (!PARAM_NAME.test(name)) throw new ServiceError("bad_request", `parameter name \`${name}\` must be letters, digits and underscores`);
    if (seen.has(name)) throw new ServiceError("bad_request", `parameter \`${name}\` is listed twice`);
    seen.add(name);
    const type = String(p.type ?? "string");
    if (!PARAM_TYPES.has(type)) throw new ServiceError("bad_request", `parameter \`${name}\` has an unknown type \`${type}\``);
    const out: NotebookParameter = { name, type, description: String(p.description ?? ""), default: String(p.default ?? "") };
    if (p.value !== undefined && p.value !== null) out.value = String(p.value);
    if (Array.isArray(p.choices)) out.choices = p.choices.map(String);
    return out;
  });
}

function cleanEnv(list: unknown): { key: string; value: string }[] {
  if (!Array.isArray(list)) throw new ServiceError("bad_request", "`env` must be a list of { key, value }");
  return list.map((e) => {
    const key = String((e as { key?: unknown })?.key ?? "").trim();
    if (!PARAM_NAME.test(key)) throw new ServiceError("bad_request", `environment name \`${key}\` must be letters, digits and underscores`);
    return { key, value: String((e as { value?: unknown })?.value ?? "") };
  });
}

/**
 * A notebook's settings checked against the saving user's role limits: a timeout or row cap
 * above the role's maximum is refused with a message naming the maximum, unless it is the value
 * already stored (someone with a higher role set it; saving the name must not fail for it). Runs
 * are clamped to the runner's role at start either way (run-limits.ts).
 */
function cleanSettings(s: unknown, limits: RoleLimits, current: NotebookSettings): NotebookSettings {
  const o = (s ?? {}) as Record<string, unknown>;
  const out: NotebookSettings = {};
  if (o.timeoutSeconds !== undefined && o.timeoutSeconds !== null && o.timeoutSeconds !== "") {
    const t = Number(o.timeoutSeconds);
    if (!Number.isInteger(t) || t < 1) throw new ServiceError("bad_request", "the timeout must be a whole number of seconds, at least 1");
    if (t > limits.maxTimeoutSeconds && t !== current.timeoutSeconds) throw new ServiceError("bad_request", `the timeout is above the ${limits.role} role's maximum of ${limits.maxTimeoutSeconds.toLocaleString("en-US")} seconds`);
    out.timeoutSeconds = t;
  }
  if (o.maxRows !== undefined && o.maxRows !== null && o.maxRows !== "") {
    const m = Number(o.maxRows);
    if (!Number.isInteger(m) || m < 1) throw new ServiceError("bad_request", "the row cap must be a whole number, at least 1");
    if (m > limits.maxRows && m !== current.maxRows) throw new ServiceError("bad_request", `the row cap is above the ${limits.role} role's maximum of ${limits.maxRows.toLocaleString("en-US")} rows`);
    out.maxRows = m;
  }
  return out;
}

export function startNotebookOps(deps: NotebooksDeps) {
  const db = deps.database.db;

  async function view(actor: Principal, id: string): Promise<NotebookView> {
    const nb = await loadForRead(deps, actor, id);
    const cells = await queries.listCellsWithCurrent(db, id);
    const tables = await queries.listResultTables(db, cells.map((c) => c.version.id));
    return notebookView(actor, nb, cells.map((c) => cellView(c, tables)), await deps.limits.forPrincipal(actor));
  }

  /** Creates a notebook with the given cells, as the actor. */
  async function build(actor: Principal, plain: PlainNotebook, extra: { collaborators?: string[]; isPublic?: boolean }, operation: string): Promise<NotebookView> {
    requirePermission(actor, "NOTEBOOK_EDITOR");
    const now = deps.clock.now();
    const id = deps.ids.notebookId();
    await queries.createNotebook(db, {
      id,
      name: cleanName(plain.name),
      description: noNul(plain.description),
      creator: actor.username,
      collaborators: cleanCollaborators(extra.collaborators, actor.username),
      isPublic: Boolean(extra.isPublic),
      env: cleanEnv(plain.env),
      parameters: cleanParameters(plain.parameters),
      settings: {},
      at: now,
    });
    for (const c of plain.cells) {
      await queries.createCell(db, { id: deps.ids.cellId(), notebookId: id, type: c.type, input: cleanInput(c.input), createdBy: actor.username, at: now });
    }
    await deps.audit.record(actor, operation, { notebook: id, name: plain.name });
    return view(actor, id);
  }

  return {
    view,

    async list(actor: Principal, p: ListNotebooksRequest) {
      requirePermission(actor, "READ_RESULTS");
      if (p.all) requirePermission(actor, "SERVER_ADMIN");
      const limit = Math.min(Math.max(Number(p.limit) || 100, 1), 500);
      const { rows, total } = await queries.listNotebooks(db, {
        username: actor.username,
        all: p.all === true,
        scope: p.scope === "mine" || p.scope === "shared" ? p.scope : "all",
        search: p.search,
        sort: p.sort === "name" || p.sort === "created" ? p.sort : "modified",
        limit,
        offset: Math.max(Number(p.offset) || 0, 0),
      });
      return { notebooks: rows.map(summaryOf), total };
    },

    async create(actor: Principal, p: CreateNotebookRequest) {
      requirePermission(actor, "NOTEBOOK_EDITOR");
      const template = await loadTemplate(deps.templatesDir, p.template || "blank").catch((err) => {
        if (!p.template) return { name: "", description: "", parameters: [], env: [], cells: [{ type: "vql" as const, input: "" }] };
        throw err;
      });
      const values = p.parameters ?? {};
      const parameters = template.parameters.map((t) => ({ ...t, ...(values[t.name] !== undefined ? { value: String(values[t.name]) } : {}) }));
      return build(
        actor,
        { ...template, name: p.name?.trim() || template.name, description: p.description ?? template.description, parameters },
        { collaborators: p.collaborators, isPublic: p.isPublic },
        "notebook_create",
      );
    },

    async importText(actor: Principal, text: string) {
      if (text.length > 5 * 1024 * 1024) throw new ServiceError("bad_request", "the file is larger than 5 MiB");
      const { notebook, problems } = parsePlainNotebook(text);
      if (problems.length) throw new ServiceError("bad_request", `line ${problems[0]!.line}: ${problems[0]!.message}`);
      return build(actor, notebook, {}, "notebook_import");
    },

    async update(actor: Principal, id: string, p: UpdateNotebookRequest) {
      const nb = await loadForEdit(deps, actor, id);
      const patch: Parameters<typeof queries.updateNotebook>[2] = {};
      if (p.name !== undefined) patch.name = cleanName(p.name);
      if (p.description !== undefined) patch.description = noNul(String(p.description));
      if (p.env !== undefined) patch.env = cleanEnv(p.env);
      if (p.parameters !== undefined) patch.parameters = cleanParameters(p.parameters);
      if (p.settings !== undefined) {
        patch.settings = cleanSettings(p.settings, await deps.limits.forPrincipal(actor), nb.settings as NotebookSettings) as Record<string, unknown>;
        if (JSON.stringify(patch.settings) !== JSON.stringify(nb.settings)) await deps.audit.record(actor, "notebook_settings", { notebook: id, before: nb.settings, after: patch.settings });
      }
      if (p.collaborators !== undefined || p.isPublic !== undefined) {
        if (nb.creator !== actor.username && !actor.permissions.has("SERVER_ADMIN")) {
          throw new ServiceError("forbidden", "only the notebook's creator changes who it is shared with");
        }
        if (p.collaborators !== undefined) patch.collaborators = cleanCollaborators(p.collaborators, nb.creator);
        if (p.isPublic !== undefined) patch.isPublic = Boolean(p.isPublic);
        await deps.audit.record(actor, "notebook_share", { notebook: id, collaborators: patch.collaborators ?? nb.collaborators, public: patch.isPublic ?? nb.isPublic });
      }
      const sharing = patch.collaborators !== undefined || patch.isPublic !== undefined;
      const updated = await queries.inTransaction(db, async (tx) => {
        const row = await queries.updateNotebook(tx, id, patch, deps.clock.now());
        const change: AccessChange = { kind: "notebook", notebookId: id, reason: "sharing" };
        if (sharing) await deps.journal.append(ACCESS_CHANGE_QUEUE, [change], { tx });
        return row;
      });
      publish(deps, id, {
        type: "notebook",
        notebook: { ...summaryOf(updated), env: updated.env, parameters: updated.parameters as NotebookParameter[], settings: updated.settings as NotebookSettings },
      });
      return view(actor, id);
    },

    async remove(actor: Principal, id: string) {
      const nb = await loadForEdit(deps, actor, id);
      if (nb.creator !== actor.username && !actor.permissions.has("SERVER_ADMIN")) throw new ServiceError("forbidden", "only the notebook's creator deletes it");
      await queries.deleteNotebook(db, id);
      await deps.audit.record(actor, "notebook_delete", { notebook: id, name: nb.name });
      publish(deps, id, { type: "notebook-deleted", by: actor.username });
    },

    async copy(actor: Principal, id: string, name?: string) {
      const source = await view(actor, id);
      return build(
        actor,
        {
          name: name?.trim() || `Copy of ${source.name}`,
          description: source.description,
          parameters: source.parameters,
          env: source.env,
          cells: source.cells.map((c) => ({ type: c.type, input: c.input })),
        },
        {},
        "notebook_copy",
      );
    },

    async exportText(actor: Principal, id: string) {
      const v = await view(actor, id);
      const text = serializePlainNotebook({
        name: v.name,
        description: v.description,
        parameters: v.parameters.map(({ value: _value, ...p }) => p),
        env: v.env,
        cells: v.cells.map((c) => ({ type: c.type, input: c.input })),
      });
      return { filename: `${fileSafe(v.name)}.md`, text };
    },
  };
}

export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "notebook";
}
