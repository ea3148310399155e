// Request bodies of the secrets routes, checked with zod. Values are checked against the
// secret's type by the service; here only their shape (field name → string, bool or dict).
import { z } from "zod";

const fieldValue = z.union([z.string().max(64 * 1024), z.boolean(), z.record(z.string().max(200), z.string().max(16 * 1024)), z.null()]);
const values = z.record(z.string().max(64), fieldValue);
const users = z.array(z.string().min(1).max(64)).max(500);

export const AddSecret = z.object({ name: z.string().min(1).max(100), type: z.string().min(1).max(100), values }).strict();
export const ModifySecret = z.object({ type: z.string().max(100).optional(), addUsers: users.optional(), removeUsers: users.optional(), values: values.optional() }).strict();
