// What a new password must be: at least 12 characters (NIST SP 800-63B's floor for a password
// chosen without other rules), at most 1024, and not on a list of common passwords. The list is
// a seam: a CommonPasswordList is handed in (wiring.ts builds the one in force), so the rule and
// its tests do not depend on which package supplies the words.
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** Passwords too common to allow, matched case-insensitively on the whole password. */
export interface CommonPasswordList {
  has(password: string): boolean;
  /** Where the words come from (shown in the docs and the startup log). */
  readonly source: string;
  readonly size: number;
}

/** A list from words (for the package that ships them, and for tests). */
export function commonPasswordList(words: Iterable<string>, source: string): CommonPasswordList {
  const set = new Set<string>();
  for (const w of words) if (typeof w === "string" && w) set.add(w.toLowerCase());
  return { has: (p) => set.has(p.toLowerCase()), source, size: set.size };
}

/** No list: only the length rules apply (the state while no list package is installed). */
export const NO_COMMON_PASSWORDS: CommonPasswordList = { has: () => false, source: "none", size: 0 };

/** Why `password` may not be set, or undefined when it may. */
export function passwordProblem(password: unknown, common: CommonPasswordList = NO_COMMON_PASSWORDS): string | undefined {
  if (typeof password !== "string" || !password) return "a password is required";
  if ([...password].length < MIN_PASSWORD_LENGTH) return `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return "the password is too long";
  if (common.has(password)) return "this password is on a list of common passwords; choose another";
  return undefined;
}
