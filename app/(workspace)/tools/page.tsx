// Tools: the server's tool inventory (Velociraptor's third-party tools) for every role holding
// READ_RESULTS: each tool's definition, the artifact that declared it and who set it last.
// Administrators upload a tool's file (served locally, its sha256 computed) or set its url and
// expected sha256; other roles see the table only.
import { Forbidden } from "@/app/_components/forbidden";
import { ToolsAdmin } from "@/app/_components/tools-admin";
import { requirePagePrincipal } from "@/app/_server/auth";
import { getEngine } from "@/app/_server/engine";
import { MAX_TOOL_BYTES } from "@/engine";

export const metadata = { title: "Tools" };

export const dynamic = "force-dynamic";

export default async function ToolsPage() {
  const p = await requirePagePrincipal("/tools");
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const tools = await getEngine().tools.list(p);
  return (
    <section>
      <h1>Tools</h1>
      <p>
        Third-party files that artifacts declare in their <code>tools:</code> section. Agents are given each tool&apos;s sha256 and where to fetch it:
        from this server when it is served locally, otherwise from its URL. The server never downloads a tool itself.
      </p>
      <ToolsAdmin
        canEdit={p.permissions.has("SERVER_ADMIN")}
        maxBytes={MAX_TOOL_BYTES}
        tools={tools.map((t) => ({
          name: t.name,
          version: t.version,
          url: t.url,
          githubProject: t.githubProject,
          serveLocally: t.serveLocally,
          adminOverride: t.adminOverride,
          expectedHash: t.expectedHash,
          artifact: t.artifact,
          serveUrl: t.serveUrl,
          filename: t.filename,
          hash: t.hash,
          size: t.size ?? null,
          updatedBy: t.updatedBy ?? "",
          updatedAt: t.updatedAt ? t.updatedAt.toISOString() : null,
        }))}
      />
    </section>
  );
}
