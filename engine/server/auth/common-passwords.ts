// The common-password list in force for new passwords (password-policy.ts applies it): the
// "passwords-common" dictionary of @zxcvbn-ts/language-common (zxcvbn's frequency list of
// leaked passwords, about 30,000 entries, maintained by the zxcvbn-ts project), compared
// case-insensitively. Only entries of 12 characters or more can matter: shorter passwords
// already fail the length rule.
import { dictionary } from "@zxcvbn-ts/language-common";
import { commonPasswordList, type CommonPasswordList } from "./password-policy";

export const COMMON_PASSWORDS: CommonPasswordList = commonPasswordList(dictionary["passwords-common"], "@zxcvbn-ts/language-common@4.1.3");
