// Server VQL over notebooks, as in Velociraptor's vql/server/notebooks: notebooks() lists them,
// notebook_get() reads one, notebook_create() / notebook_update() / notebook_update_cell()
// change them (COLLECT_SERVER) and notebook_delete() removes one (SERVER_ADMIN). The declared
// permission is checked by the evaluator; every call then goes through the notebooks service,
// whose own rules (shared with the caller, NOTEBOOK_EDITOR, ANY_QUERY to run, sharing and
// deleting by the creator) apply as in the browser. A refusal is a logged ERROR and NULL.
import { setTimeout as sleep } from "node:timers/promises";
import { arg, defineFunction, definePlugin, toVqlString, type Builtin, type BuiltinContext, type OrderedDict } from "../../vql";
import { cellToVql, notebookToVql } from "../mappers/notebooks";
import type { CellType, CellView } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { notebooksOf, serverHost } from "./host";

const PAGE = 500;

function envList(env: OrderedDict | undefined): { key: string; value: string }[] | undefined {
  return env ? [...env.entries()].map(([key, value]) => ({ key, value: toVqlString(value) })) : undefined;
}

/** Velociraptor spells cell types in several ways (`VQL`, `Markdown`, `md`). */
function cellType(type: string | undefined): CellType | undefined {
  if (type === undefined || type === "") return undefined;
  const t = type.toLowerCase();
  if (t === "vql") return "vql";
  if (t === "markdown" || t === "md") return "markdown";
  throw new Error(`a cell's type is \`vql\` or \`markdown\`, not \`${type}\``);
}

/** The cell running this query, when it is a notebook cell (its own changes would wait on itself). */
async function callingCell(ctx: BuiltinContext): Promise<string | undefined> {
  const v = await ctx.lookup("NotebookCellId");
  return typeof v === "string" && v ? v : undefined;
}

const notebooksPlugin = definePlugin({
  name: "notebooks",
  category: "server",
  doc: "The notebooks the caller may see (created by them, shared with them, or public), newest change first; all=TRUE lists every notebook (needs SERVER_ADMIN).",
  args: {
    all: arg.bool().doc("Every notebook, shared with the caller or not (needs SERVER_ADMIN)."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run({ all }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    for (let offset = 0; ; offset += PAGE) {
      ctx.signal.throwIfAborted();
      const page = await guarded(ctx, () => notebooksOf(services).list(principal, { all, limit: PAGE, offset }), null);
      if (!page) return;
      for (const n of page.notebooks) yield notebookToVql(n);
      if (page.notebooks.length < PAGE) return;
    }
  },
});

const notebookGet = defineFunction({
  name: "notebook_get",
  category: "server",
  doc: "One notebook with its cells (cell_metadata), or NULL when it does not exist or is not shared with the caller.",
  args: {
    notebook_id: arg.string().required().doc("The notebook (N.xxx)."),
    verbose: arg.bool().doc("Also each cell's text, output layout, result tables and logs."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async run({ notebook_id, verbose }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(ctx, () => notebooksOf(services).get(principal, notebook_id), null);
    return v ? notebookToVql(v, verbose) : null;
  },
});

const notebookCreate = defineFunction({
  name: "notebook_create",
  category: "server",
  doc: "Creates a notebook owned by the caller (who also needs NOTEBOOK_EDITOR), blank or from a template, and returns it.",
  args: {
    name: arg.string().doc("The notebook's name (default: the template's)."),
    description: arg.string().doc("What the notebook is for."),
    collaborators: arg.list(arg.string()).doc("User names that may open it."),
    public: arg.bool().doc("Shared with everyone in the organisation."),
    env: arg.dict().doc("Environment variables for its cells (a dict)."),
    template: arg.string().doc("Template id, a file name under notebooks/ without `.md` (default: blank)."),
    parameters: arg.dict().doc("Values for the template's parameters (a dict)."),
  },
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const made = await guarded(
      ctx,
      async () => {
        const parameters = a.parameters ? Object.fromEntries([...a.parameters.entries()].map(([k, v]) => [k, toVqlString(v)])) : undefined;
        const nb = await notebooksOf(services).create(principal, {
          name: a.name ?? "",
          description: a.description,
          collaborators: a.collaborators,
          isPublic: a.public,
          template: a.template,
          parameters,
        });
        const env = envList(a.env);
        return env ? notebooksOf(services).update(principal, nb.id, { env }) : nb;
      },
      null,
    );
    return made ? notebookToVql(made) : null;
  },
});

const notebookUpdate = defineFunction({
  name: "notebook_update",
  category: "server",
  doc: "Changes a notebook's name, description, environment or (by its creator) sharing; returns the notebook.",
  args: {
    notebook_id: arg.string().required().doc("The notebook (N.xxx)."),
    name: arg.string().doc("A new name."),
    description: arg.string().doc("A new description."),
    collaborators: arg.list(arg.string()).doc("The users it is shared with (replaces the list; creator only)."),
    public: arg.bool().doc("Shared with everyone in the organisation (creator only)."),
    env: arg.dict().doc("Environment variables for its cells (replaces them)."),
  },
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(
      ctx,
      () => notebooksOf(services).update(principal, a.notebook_id, { name: a.name, description: a.description, collaborators: a.collaborators, isPublic: a.public, env: envList(a.env) }),
      null,
    );
    return v ? notebookToVql(v) : null;
  },
});

/** Polls until the cell's run ends (or the query is cancelled); the service publishes no promise for it. */
async function untilDone(ctx: BuiltinContext, read: () => Promise<CellView | undefined>): Promise<CellView | undefined> {
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const c = await read();
    if (!c || (c.status !== "queued" && c.status !== "running")) return c;
    await sleep(delay, undefined, { signal: ctx.signal });
  }
}

const notebookUpdateCell = defineFunction({
  name: "notebook_update_cell",
  category: "server",
  doc: "Adds (no cell_id), changes or deletes a notebook cell; a VQL cell is run as the caller (who needs NOTEBOOK_EDITOR, and ANY_QUERY to run). Returns the cell.",
  args: {
    notebook_id: arg.string().required().doc("The notebook (N.xxx)."),
    cell_id: arg.string().doc("The cell to change (NC.xxx); a new cell is added when empty."),
    delete: arg.bool().doc("Delete the cell instead."),
    type: arg.string().doc("`vql` or `markdown` (a new cell defaults to `vql`)."),
    input: arg.string().doc("The cell's text."),
    run: arg.bool().default(true).doc("Run a VQL cell after storing its text (default TRUE; FALSE only saves it)."),
    wait: arg.bool().doc("Wait until the run ends and return the finished cell."),
    position: arg.int().min(0).doc("Where a new cell goes (0 = first; default: last)."),
  },
  permissions: ["COLLECT_SERVER"],
  platforms: ["server"],
  sideEffects: true,
  async run(a, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const nbs = notebooksOf(services);
    const cell = await guarded(
      ctx,
      async () => {
        const type = cellType(a.type);
        if (a.cell_id && a.cell_id === (await callingCell(ctx))) throw new Error("a cell cannot change or delete itself while it runs");
        if (a.delete) {
          if (!a.cell_id) throw new Error("delete needs a cell_id");
          await nbs.deleteCell(principal, a.notebook_id, a.cell_id);
          return undefined;
        }
        let c: CellView;
        if (!a.cell_id) c = await nbs.addCell(principal, a.notebook_id, { type: type ?? "vql", input: a.input ?? "", position: a.position });
        else if (!a.run || (type ?? "vql") === "markdown") c = await nbs.saveCell(principal, a.notebook_id, a.cell_id, { input: a.input ?? (await currentInput()), type });
        else c = await nbs.runCell(principal, a.notebook_id, a.cell_id, { input: a.input, type });
        if (!a.cell_id && a.run && c.type === "vql" && c.input.trim()) c = await nbs.runCell(principal, a.notebook_id, c.id, {});
        if (a.wait && (c.status === "queued" || c.status === "running")) {
          c = (await untilDone(ctx, async () => (await nbs.get(principal, a.notebook_id)).cells.find((x) => x.id === c.id))) ?? c;
        }
        return c;

        async function currentInput(): Promise<string> {
          const v = await nbs.get(principal, a.notebook_id);
          const found = v.cells.find((x) => x.id === a.cell_id);
          if (!found) throw new Error(`no cell ${a.cell_id} in notebook ${a.notebook_id}`);
          return found.input;
        }
      },
      null,
    );
    if (cell === null) return null;
    if (cell === undefined) return { notebook_id: a.notebook_id, cell_id: a.cell_id, deleted: true };
    return cellToVql(a.notebook_id, cell, true);
  },
});

const notebookDelete = defineFunction({
  name: "notebook_delete",
  category: "server",
  doc: "Deletes a notebook shared with the caller, with its cells and results (needs SERVER_ADMIN and NOTEBOOK_EDITOR); without really_do_it only returns what would be deleted.",
  args: {
    notebook_id: arg.string().required().doc("The notebook (N.xxx)."),
    really_do_it: arg.bool().doc("Delete it; otherwise this is a dry run."),
  },
  permissions: ["SERVER_ADMIN"],
  platforms: ["server"],
  sideEffects: true,
  async run({ notebook_id, really_do_it }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const v = await guarded(
      ctx,
      async () => {
        const nb = await notebooksOf(services).get(principal, notebook_id);
        if (really_do_it) await notebooksOf(services).remove(principal, notebook_id);
        else ctx.log("INFO", `notebook_delete: would delete ${notebook_id}; pass really_do_it=TRUE to delete it`);
        return nb;
      },
      null,
    );
    if (!v) return null;
    const out = notebookToVql(v);
    out.set("deleted", Boolean(really_do_it));
    return out;
  },
});

export const notebookBuiltins: readonly Builtin[] = [notebooksPlugin, notebookGet, notebookCreate, notebookUpdate, notebookUpdateCell, notebookDelete];
