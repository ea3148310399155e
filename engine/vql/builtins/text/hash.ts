/**
 * hash() of data given as a string (accessor `data`): MD5, SHA1 and SHA256. Hashing files is the
 * agent's job (its own hash() reads through file accessors).
 */
import { bytesOf } from "../../values/bytes";
import { OrderedDict } from "../../values/ordered-dict";
import { arg } from "../arg";
import { defineFunction } from "../define";
import { md5Hex, sha1Hex, sha256Hex } from "./digest";

export const hashFunction = defineFunction({
  name: "hash",
  category: "encode",
  doc: "Hashes of data: a dict with MD5, SHA1 and SHA256 (hex). Portable form: `path` is the data itself (accessor `data`).",
  args: {
    path: arg.bytes().required().doc("The data to hash (with accessor `data`)."),
    accessor: arg.string().default("data").doc("Only `data` is portable; file accessors are provided by the agent."),
    hashselect: arg.list(arg.string()).doc("Subset of MD5, SHA1, SHA256 to compute."),
  },
  run({ path, accessor, hashselect }, ctx) {
    if (accessor !== "data" && accessor !== "") {
      ctx.log("ERROR", `hash: accessor \`${accessor}\` is not available here; only \`data\` is portable`);
      return null;
    }
    const b = bytesOf(path);
    const want = new Set((hashselect ?? ["MD5", "SHA1", "SHA256"]).map((x) => x.toUpperCase()));
    const out = new OrderedDict();
    if (want.has("MD5")) out.set("MD5", md5Hex(b));
    if (want.has("SHA1")) out.set("SHA1", sha1Hex(b));
    if (want.has("SHA256")) out.set("SHA256", sha256Hex(b));
    return out;
  },
});
