// crypto_rc4() and base85decode(): the published RC4 test vectors and the Ascii85 examples of
// its specification (Adobe's PostScript reference, the "Man is distinguished" sample).
import { describe, expect, it } from "vitest";
import { collect, valueOf } from "../../eval/testing";

const v = (expr: string) => valueOf(expr);

describe("crypto_rc4()", () => {
  it("matches the well-known RC4 test vectors (Key/Plaintext, Wiki/pedia, Secret/Attack at dawn)", async () => {
    expect(await v("encode(string=crypto_rc4(string='Plaintext', key='Key'), type='hex')")).toBe('"bbf316e8d940af0ad3"');
    expect(await v("encode(string=crypto_rc4(string='pedia', key='Wiki'), type='hex')")).toBe('"1021bf0420"');
    expect(await v("encode(string=crypto_rc4(string='Attack at dawn', key='Secret'), type='hex')")).toBe('"45a01f645fc35b383552544b9bf5"');
  });
  it("decrypts with the same call; an empty key logs and gives FALSE", async () => {
    expect(await v("crypto_rc4(string=crypto_rc4(string='round trip', key='k'), key='k')")).toBe('"round trip"');
    const r = await collect("SELECT crypto_rc4(string='x', key='') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":false}']);
    expect(r.logs.join()).toContain("invalid key size 0");
  });
});

describe("base85decode()", () => {
  it("decodes Ascii85, with or without <~ ~>, z for four zero bytes and a short last group", async () => {
    expect(await v("base85decode(string='9jqo^BlbD-BleB1DJ+*+F(f,q')")).toBe('"Man is distinguished"');
    expect(await v("base85decode(string='<~9jqo^~>')")).toBe('"Man "');
    expect(await v("base85decode(string='9jqo')")).toBe('"Man"');
    expect(await v("encode(string=base85decode(string='z'), type='hex')")).toBe('"00000000"');
  });
  it("logs bad input and returns what was decoded before it", async () => {
    const r = await collect("SELECT base85decode(string='9jqo^{') AS X FROM scope()");
    expect(r.rows).toEqual(['{"X":"Man "}']);
    expect(r.logs.join()).toContain("illegal ascii85 data");
  });
});
