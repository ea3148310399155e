// Server VQL builtins for the running user's favorites (saved collection specs), as Velociraptor
// names them: favorites_save(), favorites_delete() (both return NULL, a refusal is a logged
// ERROR) and favorites_list() (READ_RESULTS; one row per favorite: name, description, spec, type).
import { arg, defineFunction, definePlugin, OrderedDict, toJsonValue, type Builtin } from "../../vql";
import type { Favorite } from "@/engine/server/contracts";
import { guarded } from "./clients";
import { favoritesOf, serverHost } from "./host";

export const favoritesSaveFunction = defineFunction({
  name: "favorites_save",
  category: "server",
  doc: "Saves a collection spec as one of the running user's favorites, e.g. `favorites_save(name='kape', type='CLIENT', specs='[{\"artifact\":\"Windows.KapeFiles.Targets\",\"parameters\":{\"env\":[{\"key\":\"EventLogs\",\"value\":\"Y\"}]}}]')`. A favorite of the same name and type is replaced. Returns NULL (as Velociraptor does); a bad spec is a logged ERROR.",
  args: {
    name: arg.string().required().doc("A name for this collection template."),
    description: arg.string().doc("A description for the template."),
    specs: arg.any().required().doc("The collection request spec that will be saved: a JSON string or a list of {artifact, parameters: {env: [{key, value}]}}."),
    type: arg.string().required().doc("The type of favorite: CLIENT, SERVER, CLIENT_EVENT or SERVER_EVENT."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async run({ name, description, specs, type }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const spec = typeof specs === "string" ? specs : toJsonValue(specs);
    await guarded(ctx, () => favoritesOf(services).save(principal, { name, description: description ?? "", spec, type }), null);
    return null;
  },
});

export const favoritesDeleteFunction = defineFunction({
  name: "favorites_delete",
  category: "server",
  doc: "Deletes one of the running user's favorites by name and type. Returns NULL; a favorite that does not exist is a logged ERROR.",
  args: {
    name: arg.string().required().doc("A name for this collection template."),
    type: arg.string().required().doc("The type of favorite: CLIENT, SERVER, CLIENT_EVENT or SERVER_EVENT."),
  },
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  sideEffects: true,
  async run({ name, type }, ctx) {
    const { principal, services } = serverHost(ctx.host);
    await guarded(ctx, () => favoritesOf(services).remove(principal, name, type), null);
    return null;
  },
});

function favoriteRow(f: Favorite): OrderedDict {
  const spec = f.spec.map((s) => OrderedDict.fromObject({ artifact: s.artifact, ...(s.parameters ? { parameters: { env: (s.parameters.env ?? []).map((e) => OrderedDict.fromObject(e)) } } : {}) }));
  return new OrderedDict([
    ["name", f.name],
    ["description", f.description],
    ["spec", spec],
    ["type", f.type],
  ]);
}

export const favoritesListPlugin = definePlugin({
  name: "favorites_list",
  category: "server",
  doc: "The running user's favorites, by type (CLIENT, SERVER, CLIENT_EVENT, SERVER_EVENT) then name: `name`, `description`, `spec` (the list of artifact specs) and `type`.",
  args: {},
  permissions: ["READ_RESULTS"],
  platforms: ["server"],
  async *run(_args, ctx) {
    const { principal, services } = serverHost(ctx.host);
    const all = await guarded(ctx, () => favoritesOf(services).list(principal), null);
    if (!all) return;
    for (const f of all) {
      ctx.signal.throwIfAborted();
      yield favoriteRow(f);
    }
  },
});

export const favoriteBuiltins: readonly Builtin[] = [favoritesSaveFunction, favoritesDeleteFunction, favoritesListPlugin];
