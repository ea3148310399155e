// What the server knows of the agent's builtins (engine/protocol/endpoint-builtins.ts, generated
// from engine/client): the names a server query's "not found" message points to endpoints for,
// and the descriptors CLIENT artifacts are checked against (portable ones the agent replaces
// are the agent's).
import { createRegistry, describeBuiltins, portableBuiltins, type BuiltinDescriptor, type ElsewhereBuiltins } from "@/engine/vql";
import { ENDPOINT_BUILTINS } from "@/engine/protocol/endpoint-builtins";

export const ON_ENDPOINTS: ElsewhereBuiltins = {
  where: "endpoints",
  howToRun: "run it with collect_client() or in a CLIENT artifact",
  plugins: new Set(ENDPOINT_BUILTINS.filter((d) => d.kind === "plugin").map((d) => d.name)),
  functions: new Set(ENDPOINT_BUILTINS.filter((d) => d.kind === "function").map((d) => d.name)),
};

let agentDescriptors: BuiltinDescriptor[] | undefined;

/** The builtins a CLIENT artifact's queries run with: the portable ones and the agent's. */
export function endpointDescriptors(): BuiltinDescriptor[] {
  if (agentDescriptors) return agentDescriptors;
  const replaced = new Set(ENDPOINT_BUILTINS.map((d) => `${d.kind}:${d.name}`));
  agentDescriptors = [...describeBuiltins(createRegistry(portableBuiltins)).filter((d) => !replaced.has(`${d.kind}:${d.name}`)), ...ENDPOINT_BUILTINS];
  return agentDescriptors;
}
