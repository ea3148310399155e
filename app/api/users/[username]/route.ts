// PATCH /api/users/:username with any of {role, password, disabled}. Administrators only.
import { getEngine } from "@/app/_server/engine";
import { BadRequest, json, readJsonObject, withPrincipal } from "@/app/_server/respond";

export const dynamic = "force-dynamic";

export function PATCH(req: Request, ctx: { params: Promise<{ username: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { username } = await ctx.params;
    const body = await readJsonObject(req);
    const accounts = getEngine().accounts;
    const known = ["role", "password", "disabled"];
    const unknown = Object.keys(body).filter((k) => !known.includes(k));
    if (unknown.length) throw new BadRequest(`unknown field \`${unknown[0]}\`; expected role, password or disabled`);
    if (body.role !== undefined) await accounts.setRole(p, username, String(body.role));
    if (body.password !== undefined) await accounts.resetPassword(p, username, String(body.password));
    if (body.disabled !== undefined) {
      if (typeof body.disabled !== "boolean") throw new BadRequest("`disabled` must be true or false");
      await accounts.setDisabled(p, username, body.disabled);
    }
    return json({ ok: true });
  });
}
