// POST /api/account/password's body, checked with zod: the current and the new password as text
// no longer than the accounts service keeps. The service checks the current one and the policy.
import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "@/engine";

export const ChangePassword = z.object({ current: z.string().max(MAX_PASSWORD_LENGTH), password: z.string().max(MAX_PASSWORD_LENGTH) });
