// The server's upload builtins (Velociraptor's elastic_upload, splunk_upload, logscale_upload,
// adx_upload, upload_s3, upload_gcs).
import type { Builtin } from "@/engine/vql";
import { adxUploadPlugin } from "./adx";
import { elasticUploadPlugin } from "./elastic";
import { uploadGcsFunction } from "./gcs";
import { logscaleUploadPlugin } from "./logscale";
import { uploadS3Function } from "./s3";
import { splunkUploadPlugin } from "./splunk";

export const uploadBuiltins: readonly Builtin[] = [elasticUploadPlugin, splunkUploadPlugin, logscaleUploadPlugin, adxUploadPlugin, uploadS3Function, uploadGcsFunction];
