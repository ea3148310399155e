// The common-password list in force for new passwords (password-policy.ts applies it). The
// repository installs no package that ships such a list, so the list in force is empty and only
// the length rules apply; a list package plugs in here, in this one line, as
// `commonPasswordList(words, "<package>@<version>")`, and its tests are already in place
// (password-policy.test.ts runs the rule with a list).
import { NO_COMMON_PASSWORDS, type CommonPasswordList } from "./password-policy";

export const COMMON_PASSWORDS: CommonPasswordList = NO_COMMON_PASSWORDS;
