// File-store paths at the service's edge: `fs:` dropped, one leading `/`, no empty, `.` or `..`
// component, no NUL or backslash; and the paths create_*_download() writes (Velociraptor's layout).
import { z } from "zod";
import { ServiceError } from "@/engine/server/contracts";

const pathSchema = z.string().min(1).max(1000);

export function checkPath(path: unknown): string {
  const r = pathSchema.safeParse(path);
  if (!r.success) throw new ServiceError("bad_request", "field `path`: expected a file-store path of 1 to 1000 characters");
  const parts = r.data.replace(/^fs:/, "").split("/").filter((c) => c !== "");
  if (!parts.length || parts.some((c) => c === "." || c === ".." || /[\\\0]/.test(c))) throw new ServiceError("bad_request", "field `path`: a file-store path has no empty, `.` or `..` component and no backslash");
  return "/" + parts.join("/");
}

/** The prefix form of a path (ends with `/`), for listings. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === "" || prefix === "/" || prefix === undefined) return "/";
  return checkPath(prefix) + "/";
}

export function flowDownloadPath(clientId: string, flowId: string, name: string | undefined, filename: string): string {
  const file = name ? `${fileNamePart(name.replace(/\.zip$/i, ""))}.zip` : filename;
  return `/downloads/${fileNamePart(clientId)}/${fileNamePart(flowId)}/${file}`;
}

export function huntDownloadPath(huntId: string, base: string | undefined, filename: string): string {
  return `/downloads/hunts/${fileNamePart(huntId)}/${base ? fileNamePart(base) : ""}${filename}`;
}

/** A value safe in a file name (as the downloads service makes its Content-Disposition names). */
function fileNamePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}
