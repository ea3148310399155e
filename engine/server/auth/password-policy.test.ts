import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS } from "./common-passwords";
import { commonPasswordList, MIN_PASSWORD_LENGTH, passwordProblem } from "./password-policy";

describe("passwordProblem()", () => {
  it("needs at least 12 characters (counted as characters, not UTF-16 units)", () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(passwordProblem("elevenchars")).toMatch(/at least 12 characters/);
    expect(passwordProblem("twelve-chars")).toBeUndefined();
    expect(passwordProblem("🔑🔑🔑🔑🔑🔑")).toMatch(/at least 12/); // 12 UTF-16 units, 6 characters
    expect(passwordProblem("")).toBe("a password is required");
    expect(passwordProblem(undefined)).toBe("a password is required");
    expect(passwordProblem("x".repeat(1025))).toBe("the password is too long");
  });

  it("refuses a password on the common list, whatever its case", () => {
    const list = commonPasswordList(["password1234", "qwertyuiop123"], "test list");
    expect(passwordProblem("Password1234", list)).toMatch(/list of common passwords/);
    expect(passwordProblem("QWERTYUIOP123", list)).toMatch(/list of common passwords/);
    expect(passwordProblem("correct-horse-battery", list)).toBeUndefined();
    expect(list.size).toBe(2);
  });

  it("the list in force is zxcvbn's common passwords: well-known leaked 12-character passwords are refused, in any case", () => {
    expect(COMMON_PASSWORDS.source).toBe("@zxcvbn-ts/language-common@4.1.3");
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(10_000);
    for (const leaked of ["1qaz2wsx3edc", "Qwerty123456", "123456789012", "PASSWORD1234"]) {
      expect(passwordProblem(leaked, COMMON_PASSWORDS)).toMatch(/list of common passwords/);
    }
    expect(passwordProblem("twelve-chars", COMMON_PASSWORDS)).toBeUndefined();
  });
});
