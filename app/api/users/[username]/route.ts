// PATCH /api/users/:username with any of {role, password, disabled}. Administrators only.
import { getEngine } from "@/app/_server/engine";
import { json, readBody, withPrincipal } from "@/app/_server/respond";
import { UpdateUser } from "@/app/api/users/schemas";

export const dynamic = "force-dynamic";

export function PATCH(req: Request, ctx: { params: Promise<{ username: string }> }) {
  return withPrincipal("SERVER_ADMIN", async (p) => {
    const { username } = await ctx.params;
    const change = await readBody(req, UpdateUser);
    const accounts = getEngine().accounts;
    if (change.role !== undefined) await accounts.setRole(p, username, change.role);
    if (change.password !== undefined) await accounts.resetPassword(p, username, change.password);
    if (change.disabled !== undefined) await accounts.setDisabled(p, username, change.disabled);
    return json({ ok: true });
  });
}
