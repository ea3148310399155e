// The firmware's UEFI variables on Linux (efivarfs, /sys/firmware/efi/efivars): one file per
// variable, named <Name>-<VendorGUID>, holding the variable's 4-byte attributes (little-endian
// EFI_VARIABLE_* bits) followed by its data. A different root serves tests and other mounts.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { EfiVariables } from "../system";

export const EFIVARS_ROOT = "/sys/firmware/efi/efivars";

export function createEfiVariables(root = EFIVARS_ROOT): EfiVariables {
  return {
    async list() {
      // Sorted by file name, as Go's ReadDir lists them for Velociraptor.
      const names = (await readdir(root)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const out: Array<{ namespace: string; name: string }> = [];
      for (const file of names) {
        const dash = file.indexOf("-");
        if (dash < 0) continue;
        out.push({ name: file.slice(0, dash), namespace: `{${file.slice(dash + 1)}}` });
      }
      return out;
    },
    async read(namespace, name) {
      const guid = namespace.replace(/^\{+|\}+$/g, "");
      if (name.includes("/") || guid.includes("/")) throw new Error(`${name}-${guid}: not a variable name`);
      return new Uint8Array(await readFile(join(root, `${name}-${guid}`)));
    },
  };
}
