// Request bodies of the user administration routes (POST /api/users, PATCH /api/users/:username),
// checked with zod: field types, the role names and the longest name and password the accounts
// service keeps. The service checks the rest (the user name's characters, the password policy).
import { z } from "zod";
import { MAX_PASSWORD_LENGTH, ROLES } from "@/engine";

/** The accounts service's user names: at most 64 characters once trimmed (it trims too). */
export const NewUsername = z.string().trim().max(64);
export const Password = z.string().max(MAX_PASSWORD_LENGTH);

export const CreateUser = z.object({ username: NewUsername, password: Password, role: z.enum(ROLES) });

/** Any of the three, nothing else; each given one is applied in this order: role, password, disabled. */
export const UpdateUser = z.object({ role: z.enum(ROLES).optional(), password: Password.optional(), disabled: z.boolean().optional() }).strict();
