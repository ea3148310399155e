// Test support: an efivarfs directory built from the UEFI specification (2.10, §8.2 variable
// attributes, §3.1.3 EFI_LOAD_OPTION, §32.4.1 EFI_SIGNATURE_LIST): each file <Name>-<GUID> is the
// 4-byte little-endian attributes then the data, as Linux's efivarfs presents a variable.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const EFI_GLOBAL_VARIABLE = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
export const EFI_IMAGE_SECURITY_DATABASE = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";
export const EFI_CERT_SHA256 = "c1c41626-504c-4092-aca9-41f936934328";
export const MICROSOFT_OWNER = "77fa9abd-0359-4d32-bd60-28f4e78f784b";

// EFI_VARIABLE_NON_VOLATILE 1, BOOTSERVICE_ACCESS 2, RUNTIME_ACCESS 4, TIME_BASED_AUTHENTICATED_WRITE_ACCESS 0x20.
export const NV_BS_RT = 0x07;
export const BS_RT = 0x06;
export const NV_BS_RT_AT = 0x27;

/** EFI_GUID's layout: Data1 uint32, Data2 and Data3 uint16 (little-endian), Data4 8 bytes in order. */
export function guidBytes(guid: string): Buffer {
  const h = guid.replace(/-/g, "");
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(h.slice(0, 8), 16), 0);
  b.writeUInt16LE(parseInt(h.slice(8, 12), 16), 4);
  b.writeUInt16LE(parseInt(h.slice(12, 16), 16), 6);
  Buffer.from(h.slice(16), "hex").copy(b, 8);
  return b;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u16s = (...ns: number[]) => Buffer.concat(ns.map((n) => Buffer.from([n & 255, n >> 8])));
const variable = (attributes: number, data: Buffer) => Buffer.concat([u32(attributes), data]);

/** The dbx's SHA-256 hashes (32 bytes each: 0x11..., 0x22..., 0x33...). */
export const DBX_HASHES = [0x11, 0x22, 0x33].map((x) => Buffer.alloc(32, x));

/** An EFI_SIGNATURE_LIST of SHA-256 entries: header 28 bytes, then entries of owner GUID + hash. */
export function sha256SignatureList(owner: string, hashes: Buffer[]): Buffer {
  const size = 16 + 32;
  return Buffer.concat([guidBytes(EFI_CERT_SHA256), u32(28 + hashes.length * size), u32(0), u32(size), ...hashes.map((h) => Buffer.concat([guidBytes(owner), h]))]);
}

/** EFI_LOAD_OPTION: Attributes (LOAD_OPTION_ACTIVE 1), FilePathListLength, UCS-2 description, the end-of-path node. */
function loadOption(description: string): Buffer {
  const end = Buffer.from([0x7f, 0xff, 0x04, 0x00]);
  return Buffer.concat([u32(1), u16s(end.length), Buffer.from(`${description}\0`, "utf16le"), end]);
}

export const FIXTURE: Record<string, Buffer> = {
  [`Boot0001-${EFI_GLOBAL_VARIABLE}`]: variable(NV_BS_RT, loadOption("ubuntu")),
  [`BootCurrent-${EFI_GLOBAL_VARIABLE}`]: variable(BS_RT, u16s(0x0001)),
  [`BootOrder-${EFI_GLOBAL_VARIABLE}`]: variable(NV_BS_RT, u16s(0x0001, 0x0000)),
  [`SecureBoot-${EFI_GLOBAL_VARIABLE}`]: variable(BS_RT, Buffer.from([1])),
  [`dbx-${EFI_IMAGE_SECURITY_DATABASE}`]: variable(NV_BS_RT_AT, sha256SignatureList(MICROSOFT_OWNER, DBX_HASHES)),
};

/** Writes the fixture into `dir` (plus a file without a GUID, which is not a variable). */
export function writeEfivarsFixture(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(FIXTURE)) writeFileSync(join(dir, name), bytes);
  writeFileSync(join(dir, "README"), "not a variable\n");
}
