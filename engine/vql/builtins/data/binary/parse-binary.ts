/**
 * parse_binary(): Velociraptor's binary parser driven by a vtypes profile. The profile is loaded
 * once per run and text (a bad profile is logged with where it is wrong, and gives NULL); the
 * struct is parsed from the bytes of the file (accessor `auto`/`file`, data-source.ts) or of the
 * `filename` argument itself (accessor `data`), at `offset`, and handed back as plain values.
 */
import { bytesOf, textOf } from "@/engine/vql/values/bytes";
import { arg } from "../../arg";
import { defineFunction } from "../../define";
import { DATA_ACCESSOR_DOC, dataBytes } from "../data-source";
import { BinaryError, MAX_PARSED_VALUES, type ParseEnv } from "./env";
import { materialize } from "./objects";
import { ProfileError } from "./options";
import { loadProfile, type Profile } from "./profile";

const PROFILES = Symbol("parse_binary.profiles");
const MAX_CACHED_PROFILES = 64;

function profileFor(text: string, cache: Map<string, Profile | string>): Profile | string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  let p: Profile | string;
  try {
    p = loadProfile(text);
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    p = e.message;
  }
  if (cache.size >= MAX_CACHED_PROFILES) cache.delete(cache.keys().next().value!);
  cache.set(text, p);
  return p;
}

export const parseBinaryFunction = defineFunction({
  name: "parse_binary",
  category: "parsers",
  doc: "Parse a binary file into a data structure using a profile (Velociraptor's vtypes language: structs, integers, String, Array, Enumeration, BitField, Flags, Union, Value, Pointer, Profile, timestamps).",
  args: {
    filename: arg.bytes().required().doc("Binary file to open (with accessor `data`: the bytes)."),
    accessor: arg.string().default("auto").doc(DATA_ACCESSOR_DOC),
    profile: arg.string().default("").doc("Profile to use (see https://github.com/Velocidex/vtypes)."),
    struct: arg.string().required().doc("Name of the struct in the profile to instantiate."),
    offset: arg.int().default(0).doc("Start parsing from this offset."),
    env: arg.dict().doc("Additional environment variables to make available to the profile."),
  },
  async run({ filename, accessor, profile, struct, offset, env }, ctx) {
    const cache = ctx.runShared(PROFILES, () => new Map<string, Profile | string>());
    const p = profileFor(profile, cache);
    if (typeof p === "string") {
      ctx.log("ERROR", `parse_binary: ${p}`);
      return null;
    }
    let type;
    try {
      type = p.get(struct, undefined);
    } catch (e) {
      ctx.log("ERROR", `parse_binary: Type name ${struct} is not known (${(e as Error).message})`);
      return null;
    }
    const bytes = accessor === "data" ? bytesOf(filename) : await dataBytes(textOf(filename), accessor, ctx);
    if (!bytes) return null;
    const penv: ParseEnv = { bytes, ctx, env, budget: MAX_PARSED_VALUES, active: 0 };
    try {
      return await materialize(await type.parse(penv, offset, undefined), penv);
    } catch (e) {
      if (ctx.signal.aborted) return null;
      if (!(e instanceof BinaryError)) throw e;
      ctx.log("ERROR", `parse_binary: ${struct}: ${e.message}`);
      return null;
    }
  },
});
