// One artifact: its description (Markdown, escaped), parameters, sources with highlighted VQL,
// and who changed it when. Built-ins link to the custom copy that replaces them, if any.
import Link from "next/link";
import { notFound } from "next/navigation";
import { isServiceError } from "@/engine";
import { ArtifactActions } from "@/app/_components/artifacts/artifact-actions";
import { Markdown } from "@/app/_components/artifacts/markdown";
import { VqlHighlight } from "@/app/_components/artifacts/vql-highlight";
import { Forbidden } from "@/app/_components/forbidden";
import { requirePagePrincipal } from "@/app/_server/auth";
import { getEngine } from "@/app/_server/engine";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: `${decodeURIComponent((await params).name)}` };
}

export const dynamic = "force-dynamic";

export default async function ArtifactPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const p = await requirePagePrincipal(`/artifacts/${encodeURIComponent(name)}`);
  if (!p.permissions.has("READ_RESULTS")) return <Forbidden permission="READ_RESULTS" />;
  const engine = getEngine();
  let details;
  try {
    details = await engine.artifacts.show(p, name);
  } catch (err) {
    if (isServiceError(err) && err.status === 404) notFound();
    throw err;
  }
  const history = await engine.artifacts.history(p, name);
  const a = details.artifact;
  const canWrite = p.permissions.has("ARTIFACT_WRITER") || p.permissions.has("SERVER_ARTIFACT_WRITER");

  return (
    <section data-testid="artifact-page">
      <h1>{a.name}</h1>
      <div className="art-meta">
        <span className="chip" data-testid="artifact-type">{a.type}</span>
        {details.builtIn ? <span className="chip">built-in</span> : <span className="chip art-custom">custom</span>}
        {a.author ? <span className="muted">by {a.author}</span> : null}
        {details.overriddenBy ? (
          <span className="notice">
            Collected as <Link href={`/artifacts/${encodeURIComponent(details.overriddenBy)}`}>{details.overriddenBy}</Link>
          </span>
        ) : null}
        {details.overrides ? (
          <span className="notice">
            Replaces <Link href={`/artifacts/${encodeURIComponent(details.overrides)}`}>{details.overrides}</Link> when collected
          </span>
        ) : null}
      </div>
      <ArtifactActions name={a.name} builtIn={details.builtIn} canWrite={canWrite} />

      <div className="panel">
        <Markdown text={a.description} testId="artifact-description" />
      </div>

      {a.references.length ? (
        <>
          <h2>References</h2>
          <ul data-testid="artifact-references">
            {a.references.map((ref) => (
              <li key={ref}>
                <Reference value={ref} />
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {a.parameters.length ? (
        <>
          <h2>Parameters</h2>
          <table className="data" data-testid="artifact-parameters">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Default</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {a.parameters.map((prm) => (
                <tr key={prm.name}>
                  <td>
                    <code>{prm.name}</code>
                  </td>
                  <td>{prm.type || "string"}{prm.choices?.length ? ` (${prm.choices.join(", ")})` : ""}</td>
                  <td>
                    <code>{prm.default}</code>
                  </td>
                  <td>{prm.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}

      {a.precondition ? (
        <>
          <h2>Precondition</h2>
          <VqlHighlight text={a.precondition.text} />
        </>
      ) : null}
      {a.export ? (
        <>
          <h2>Export</h2>
          <VqlHighlight text={a.export.text} />
        </>
      ) : null}

      {a.sources.length ? <h2>Sources</h2> : null}
      {a.sources.map((s, i) => (
        <div className="art-source" key={i} data-testid="artifact-source">
          <h3>{s.name ? `${a.name}/${s.name}` : a.name}</h3>
          {s.description ? <p className="muted">{s.description}</p> : null}
          {s.precondition ? (
            <>
              <div className="art-label">Precondition</div>
              <VqlHighlight text={s.precondition.text} />
            </>
          ) : null}
          {s.query ? (
            <>
              <div className="art-label">Query</div>
              <VqlHighlight text={s.query.text} testId="artifact-query" />
            </>
          ) : null}
          {s.notebook.length ? <p className="muted">{s.notebook.length} notebook cell{s.notebook.length > 1 ? "s" : ""}</p> : null}
        </div>
      ))}

      <h2>History</h2>
      {history.length ? (
        <table className="data" data-testid="artifact-history">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Change</th>
              <th>Version</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td>{h.at.toISOString().replace("T", " ").slice(0, 19)} UTC</td>
                <td>{h.principal}</td>
                <td>
                  {h.operation === "rename" ? `renamed from ${String(h.details.from)}` : h.operation === "set" ? (h.details.created ? "created" : "edited") : h.operation}
                </td>
                <td>{h.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{details.builtIn ? "Built-in: shipped with Talon, never changed here." : "No recorded changes."}</p>
      )}
    </section>
  );
}

/** A reference as a link when it is a path in this workspace or an http(s) URL; text otherwise
 * (never a `javascript:` or other scheme in an href). */
function Reference({ value }: { value: string }) {
  if (value.startsWith("/") && !value.startsWith("//")) {
    return <Link href={value}>{value.startsWith("/notebooks/") ? `Notebook cell ${value}` : value}</Link>;
  }
  if (/^https?:\/\//i.test(value)) {
    return (
      <a href={value} rel="noopener noreferrer" target="_blank">
        {value}
      </a>
    );
  }
  return <span>{value}</span>;
}
