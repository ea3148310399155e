// The favorites service's edge: zod checks of a favorite's name, type and spec (a JSON string or
// a list of {artifact, parameters: {env: [{key, value}]}}, as Velociraptor's favorites_save()
// parses it). Refusals name the field, never its value.
import { z } from "zod";
import { FAVORITE_TYPES, ServiceError, type FavoriteArtifactSpec, type FavoriteType } from "@/engine/server/contracts";

const nameSchema = z.string().trim().min(1).max(200);
const typeSchema = z.enum(FAVORITE_TYPES);
const envSchema = z.object({ key: z.string().min(1), value: z.unknown().transform((v) => (v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v))) });
const specSchema = z
  .array(
    z.object({
      artifact: z.string().trim().min(1).max(500),
      parameters: z.object({ env: z.array(envSchema).max(1000).optional() }).optional(),
    }),
  )
  .max(500);

export function checkName(name: unknown): string {
  const r = nameSchema.safeParse(name);
  if (!r.success) throw new ServiceError("bad_request", "field `name`: a favorite needs a name of 1 to 200 characters");
  return r.data;
}

export function checkType(type: unknown): FavoriteType {
  const r = typeSchema.safeParse(type);
  if (!r.success) throw new ServiceError("bad_request", `field \`type\`: expected one of ${FAVORITE_TYPES.join(", ")}`);
  return r.data;
}

export function checkSpec(spec: unknown): FavoriteArtifactSpec[] {
  let value = spec;
  if (typeof spec === "string") {
    try {
      value = JSON.parse(spec);
    } catch {
      throw new ServiceError("bad_request", "field `specs`: not valid JSON");
    }
  }
  const r = specSchema.safeParse(value);
  if (!r.success) {
    const at = r.error.issues[0]?.path.join(".") ?? "";
    throw new ServiceError("bad_request", `field \`specs\`: expected a list of {artifact, parameters: {env: [{key, value}]}}${at ? ` (at ${at})` : ""}`);
  }
  return r.data.map((s) => ({ artifact: s.artifact, ...(s.parameters ? { parameters: { env: (s.parameters.env ?? []).map((e) => ({ key: e.key, value: e.value })) } } : {}) }));
}
