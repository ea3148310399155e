// rekey(): the agent makes a new identity (a new key, so a new client id), stores it in its
// state dir, and after `wait` seconds reconnects as it: the server sees a new client, as after
// Velociraptor's rekey. The flow that asked finishes under the old id in the meantime.
import { arg, defineFunction, untilAborted } from "@/engine/vql";
import { diagnosticsOf } from "@/engine/endpoint/diagnostics/diagnostics";

export const rekeyFunction = defineFunction({
  name: "rekey",
  category: "client",
  doc: "Causes the client to rekey and regenerate a new client ID. DANGEROUS! This will change the client's identity and it will appear as a new client in the GUI. Returns the new client id.",
  args: {
    wait: arg.int().doc("Wait this long before rekeying the client."),
  },
  permissions: ["EXECVE"],
  platforms: ["client"],
  sideEffects: true,
  async run({ wait }, ctx) {
    try {
      const d = diagnosticsOf(ctx.host);
      if (!d.rekey) {
        ctx.log("ERROR", "rekey: Must be running on a client to rekey");
        return null;
      }
      return await untilAborted(Promise.resolve(d.rekey(Math.max(0, wait ?? 0))), ctx.signal);
    } catch (err) {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `rekey: ${(err as Error).message}`);
      return null;
    }
  },
});
