// The server's upload plugins (Velociraptor's elastic_upload, splunk_upload, logscale_upload).
import type { Builtin } from "@/engine/vql";
import { elasticUploadPlugin } from "./elastic";
import { logscaleUploadPlugin } from "./logscale";
import { splunkUploadPlugin } from "./splunk";

export const uploadBuiltins: readonly Builtin[] = [elasticUploadPlugin, splunkUploadPlugin, logscaleUploadPlugin];
