"use client";
// The deployment token and the command that enrols an agent with it (administrators only).
import { useEffect, useState } from "react";

export function DeploymentToken({ token }: { token: string }) {
  const [shown, setShown] = useState(false);
  const [origin, setOrigin] = useState("http://this-server:3000");
  useEffect(() => setOrigin(window.location.origin), []);
  const command = `talon client --server ${origin} --token ${token}`;
  return (
    <details className="panel token" data-testid="deployment-token">
      <summary>Add an endpoint</summary>
      <p className="muted">
        Run the agent on the endpoint with this server&apos;s deployment token. It enrols on first contact; the token is only needed to enrol.
      </p>
      <div className="row">
        <code className="command" data-testid="enrol-command">
          {shown ? command : command.replace(token, "•".repeat(12))}
        </code>
        <button type="button" onClick={() => setShown((s) => !s)}>
          {shown ? "Hide" : "Show"} token
        </button>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(command)}>
          Copy
        </button>
      </div>
    </details>
  );
}
