export { startDownloads } from "./start";
export type { DownloadsDeps } from "./deps";
