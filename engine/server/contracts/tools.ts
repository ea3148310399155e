// The tool inventory's contract (Velociraptor's inventory service): third-party files artifacts
// declare in `tools:`, learnt when a collection of such an artifact is launched, or set by an
// admin with inventory_add(). Agents get each tool as Tool_<name>_* variables of the collection;
// a locally served tool is fetched from /api/tools/download/<token>, any other from its url.
// The server never downloads a tool itself.
import type { Principal } from "./common";

export const TOOLS_DOWNLOAD_PATH = "/api/tools/download/";

/** The most bytes a tool's file may have (inventory_add(file=...), the tools page's upload): it is stored in one database row. */
export const MAX_TOOL_BYTES = 256 * 1024 * 1024;

/** One tool of the inventory (Velociraptor's Tool message, camelCase). */
export interface InventoryTool {
  name: string;
  version: string;
  url: string;
  githubProject: string;
  githubAssetRegex: string;
  serveLocally: boolean;
  adminOverride: boolean;
  expectedHash: string;
  /** The artifact the definition came from; "" when an admin set it with inventory_add() (the tools page keeps the declaring artifact's name). */
  artifact: string;
  /** The unguessable name agents download a locally served tool by. */
  filestorePath: string;
  /** Where agents fetch it: the download route (served locally; relative unless TALON_PUBLIC_URL is set) or the url. */
  serveUrl: string;
  filename: string;
  /** sha256 (hex) of what agents get: of the stored bytes, or as given / pinned. */
  hash: string;
  /** Bytes stored on the server (served locally); undefined when none. */
  size?: number;
  /** Who last set the definition ("" for an artifact's), and when. */
  updatedBy?: string;
  updatedAt?: Date;
}

/** A tool as an artifact declares it (engine/artifacts ArtifactTool) with the artifact's name. */
export interface DeclaredTool {
  name: string;
  artifact: string;
  url?: string;
  githubProject?: string;
  githubAssetRegex?: string;
  serveLocally?: boolean;
  expectedHash?: string;
  version?: string;
  filename?: string;
}

export interface AddToolRequest {
  tool: string;
  serveLocally?: boolean;
  url?: string;
  hash?: string;
  filename?: string;
  version?: string;
  /** The file's bytes (inventory_add(file=...)): served locally, their sha256 is the hash. */
  data?: Uint8Array;
  /** The artifact that declared the tool, kept on an admin's definition (the tools page); "" by default. */
  artifact?: string;
}

export interface ToolsService {
  /** Any principal (Velociraptor's inventory() declares no permission). Every tool, by name then version. */
  list(actor: Principal): Promise<InventoryTool[]>;
  /**
   * SERVER_ADMIN. One tool (the given version, else the highest). Without `probe`, refuses a
   * tool agents could not be given (served locally without a file, no url); `probe` returns the
   * definition as it is.
   */
  get(actor: Principal, p: { tool: string; version?: string; probe?: boolean }): Promise<InventoryTool>;
  /** SERVER_ADMIN. Sets a tool as an admin override (artifact definitions no longer replace it). */
  add(actor: Principal, p: AddToolRequest): Promise<InventoryTool>;
  /**
   * For the collection launcher, after it checked the collecting user: adds the declared tools the
   * inventory lacks (an admin's definition is never replaced), then returns the variables the
   * agent gets for each (Tool_<name>_HASH, _FILENAME, _VERSION, _URL, _URLs). Refuses (bad_request)
   * when a tool cannot be delivered, naming it and what to do.
   */
  collectionEnv(tools: DeclaredTool[]): Promise<Record<string, string>>;
  /** For the unauthenticated download route: a locally served tool's bytes by its token; undefined when none. */
  download(token: string): Promise<{ filename: string; hash: string; data: Uint8Array } | undefined>;
}
