// upload_s3(): Velociraptor's S3 uploader (vql/tools/s3_upload.go). Reads `file` through
// `accessor` (source-file.ts) and stores it as `s3upload_root` + `name` in `bucket` (s3-client.ts:
// SigV4, multipart from 5 MiB). A `secret` of type `AWS S3 Creds` replaces region, credentials,
// endpoint, encryption and path_style. Returns Velociraptor's upload response: {Path (the
// object's URL), Size, UploadId}, with Error (and the failure logged) when the store refused;
// NULL when the file cannot be read. Credentials appear in no row, log or error. NETWORK and
// FILESYSTEM_READ, as Velociraptor declares them.
import { arg, defineFunction, OrderedDict, type BuiltinContext, type InferArgs } from "@/engine/vql";
import { guarded } from "../clients";
import { serverHost } from "../host";
import { scrub } from "./common";
import { putObject, type S3Target } from "./s3-client";
import { openSource, pathText, type SourceFile } from "./source-file";

const ARGS = {
  file: arg.any().required().doc("The file to upload"),
  name: arg.string().doc("The name of the file that should be stored on the server"),
  accessor: arg.string().doc("The accessor to use: fs (the file store, e.g. create_flow_download()'s path), data (file is the content), auto or file (the server's file system)."),
  bucket: arg.string().required().doc("The bucket to upload to"),
  region: arg.string().doc("The region the bucket is in (default us-east-1)"),
  credentials_key: arg.string().doc("The AWS key credentials to use"),
  credentials_secret: arg.string().doc("The AWS secret credentials to use"),
  credentials_token: arg.string().doc("The AWS session token to use (only needed for temporary credentials)"),
  endpoint: arg.string().doc("The Endpoint to use (an S3-compatible store such as MinIO: https://host:port)"),
  serverside_encryption: arg.string().doc("The server side encryption method to use (AES256 or aws:kms)"),
  kms_encryption_key: arg.string().doc("The server side KMS key to use"),
  s3upload_root: arg.string().doc("Prefix for the S3 object"),
  skip_verify: arg.bool().default(false).doc("Skip TLS Verification"),
  path_style: arg.bool().default(false).doc("Use path style URLs if set"),
  secret: arg.string().doc("Alternatively use a secret from the secrets service. Secret must be of type 'AWS S3 Creds'"),
};

type Args = InferArgs<typeof ARGS>;

/** The call's settings with the secret's values in (Velociraptor's mergeSecret); undefined when it could not be resolved (logged). */
async function merged(a: Args, ctx: BuiltinContext): Promise<Args | undefined> {
  if (!a.secret) return a;
  const { principal, services } = serverHost(ctx.host);
  const s = await guarded(ctx, () => services.secrets.resolve(principal, a.secret!, "AWS S3 Creds"), null);
  if (!s) return undefined;
  const str = (k: string) => (typeof s.values[k] === "string" ? (s.values[k] as string) : "");
  return {
    ...a,
    region: str("region"),
    credentials_key: str("credentials_key"),
    credentials_secret: str("credentials_secret"),
    credentials_token: str("credentials_token"),
    endpoint: str("endpoint"),
    serverside_encryption: str("serverside_encryption"),
    kms_encryption_key: str("kms_encryption_key"),
    path_style: s.values.path_style === true,
  };
}

export const uploadS3Function = defineFunction({
  name: "upload_s3",
  category: "server",
  doc: "Upload files to S3 (or an S3-compatible store at `endpoint`): `file`, read with `accessor`, becomes object `s3upload_root` + `name` in `bucket`, signed with AWS Signature V4 (multipart above 5 MiB). Returns {Path, Size, UploadId}, with Error when the store refused. Destinations go through the outbound guard (TALON_HTTP_CLIENT_ALLOW).",
  args: ARGS,
  permissions: ["NETWORK", "FILESYSTEM_READ"],
  platforms: ["server"],
  sideEffects: true,
  async run(args, ctx) {
    const a = await merged(args, ctx);
    if (!a) return null;
    const file = pathText(args.file);
    const source: SourceFile | null = await guarded(ctx, () => openSource(ctx, file, a.accessor), null);
    if (!source) return null;
    const name = (a.s3upload_root ?? "") + (a.name || file);
    const secrets = [a.credentials_secret, a.credentials_token, a.credentials_key];
    ctx.log("INFO", `upload_S3: Uploading ${name} to ${a.bucket}`);
    const target: S3Target = {
      bucket: a.bucket,
      key: name,
      region: a.region || "us-east-1",
      accessKeyId: a.credentials_key ?? "",
      secretAccessKey: a.credentials_secret ?? "",
      sessionToken: a.credentials_token || undefined,
      endpoint: a.endpoint || undefined,
      pathStyle: a.path_style,
      skipVerify: a.skip_verify,
      serverSideEncryption: a.serverside_encryption || undefined,
      kmsKeyId: a.kms_encryption_key || undefined,
      now: () => ctx.now(),
    };
    try {
      const location = await putObject(target, source, ctx.signal);
      return new OrderedDict([["Path", location], ["Size", source.size], ["UploadId", 0]]);
    } catch (err) {
      ctx.signal.throwIfAborted();
      const why = scrub((err as Error).message, secrets);
      ctx.log("ERROR", `upload_S3: ${why}`);
      return new OrderedDict([["Path", ""], ["Size", 0], ["Error", why], ["UploadId", 0]]);
    }
  },
});
