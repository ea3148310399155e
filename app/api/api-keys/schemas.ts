// POST /api/api-keys's body, checked with zod: whose key (a user name) and what it is for. The
// accounts service trims the name, keeps its first 100 characters and calls an empty one "api key".
import { z } from "zod";

export const IssueApiKey = z.object({ username: z.string().max(64), name: z.string().default("") });
