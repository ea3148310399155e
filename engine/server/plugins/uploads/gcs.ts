// upload_gcs(): Velociraptor's Google Cloud Storage uploader (vql/tools/gcs_upload.go). Reads
// `file` through `accessor` (source-file.ts) and stores it as `name` in `bucket` with the
// service-account key in `credentials` (gcs-client.ts: JWT-bearer token, JSON API upload); the
// token is kept for the rest of the query, as Velociraptor caches the bucket handle. Returns
// {Path (the name), Size, sha256, md5, UploadId}; a failure is logged and NULL, as Velociraptor
// does. The key and the token appear in no row, log or error. FILESYSTEM_READ (Velociraptor's
// declaration) and NETWORK (Talon's rule for builtins that connect out).
import { createHash } from "node:crypto";
import { arg, defineFunction, OrderedDict } from "@/engine/vql";
import { guarded } from "../clients";
import { scrub } from "./common";
import { accessToken, parseServiceAccount, uploadObject } from "./gcs-client";
import { openSource, pathText } from "./source-file";

const TOKENS = Symbol("upload_gcs tokens");

interface Cached {
  token: Promise<string>;
  expires: number;
}

export const uploadGcsFunction = defineFunction({
  name: "upload_gcs",
  category: "server",
  doc: "Upload files to GCS: `file`, read with `accessor`, becomes object `name` in `bucket`, with the service-account key (JSON) in `credentials`. Returns {Path, Size, sha256, md5, UploadId}; NULL (and the reason logged) on failure. Destinations go through the outbound guard (TALON_HTTP_CLIENT_ALLOW).",
  args: {
    file: arg.any().required().doc("The file to upload"),
    name: arg.string().doc("The name of the file that should be stored on the server"),
    accessor: arg.string().doc("The accessor to use: fs (the file store, e.g. create_flow_download()'s path), data (file is the content), auto or file (the server's file system)."),
    bucket: arg.string().required().doc("The bucket to upload to"),
    project: arg.string().required().doc("The project to upload to"),
    credentials: arg.string().doc("The credentials to use: a service account key (JSON)"),
  },
  permissions: ["FILESYSTEM_READ", "NETWORK"],
  platforms: ["server"],
  sideEffects: true,
  async run({ file: fileArg, name, accessor, bucket, credentials }, ctx) {
    if (!credentials) {
      ctx.log("ERROR", "upload_gcs: credentials (a service account key) are required: Talon does not look for default credentials");
      return null;
    }
    let secrets: string[] = [credentials];
    const fail = (err: unknown) => {
      ctx.signal.throwIfAborted();
      ctx.log("ERROR", `upload_gcs: ${scrub((err as Error).message, secrets)}`);
      return null;
    };
    let sa;
    try {
      sa = parseServiceAccount(credentials);
    } catch (err) {
      return fail(err);
    }
    secrets = [credentials, sa.private_key];
    const file = pathText(fileArg);
    const source = await guarded(ctx, () => openSource(ctx, file, accessor), null);
    if (!source) return null;
    const objectName = name || file;
    const cache = ctx.runShared(TOKENS, () => new Map<string, Cached>());
    const key = createHash("sha256").update(credentials).digest("hex");
    let cached = cache.get(key);
    if (!cached || cached.expires <= ctx.now()) {
      cached = { token: accessToken(sa, ctx.now(), ctx.signal), expires: ctx.now() + 50 * 60_000 };
      cached.token.catch(() => cache.delete(key));
      cache.set(key, cached);
    }
    try {
      const token = await cached.token;
      secrets = [credentials, sa.private_key, token];
      ctx.log("INFO", `upload_gcs: Uploading ${objectName} to ${bucket}`);
      const stored = await uploadObject(token, bucket, objectName, source, ctx.signal);
      const md5 = typeof stored.resource.md5Hash === "string" ? Buffer.from(stored.resource.md5Hash, "base64").toString("hex") : "";
      if (md5 && md5 !== stored.md5) ctx.log("ERROR", `upload_gcs: GCS Calculated MD5: ${md5} Hash mismatch!!!`);
      else if (md5) ctx.log("DEBUG", `upload_gcs: GCS Calculated MD5: ${md5} Hash checks out.`);
      return new OrderedDict([
        ["Path", objectName],
        ["Size", stored.size],
        ["sha256", stored.sha256],
        ["md5", stored.md5],
        ["UploadId", 0],
      ]);
    } catch (err) {
      return fail(err);
    }
  },
});
