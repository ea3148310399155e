// An agent for this machine with its state in a directory: identity.json, an on-disk outbox and
// the client event table it runs (event-table.json).
// Used by `talon client` and by `talon serve`'s local agent.
import * as fs from "node:fs";
import { join } from "node:path";
import { createAgent, type Agent } from "./agent";
import type { AgentLog } from "./connection/agent-connection";
import { FileOutbox } from "./connection/file-outbox";
import { serverList, type ServerTarget } from "./connection/servers";
import { fileEventTableStore } from "./executor/event-table";
import { createVqlRunner } from "./executor/vql-runner";
import { loadOrCreateIdentity } from "./identity";
import { createLinuxSystem } from "./plugins/linux";

export function createLocalAgent(o: ServerTarget & { token?: string; stateDir: string; version: string; log: AgentLog }): Agent & { created: boolean } {
  const identity = loadOrCreateIdentity(o.stateDir);
  const agent = createAgent({
    servers: serverList(o),
    token: o.token,
    identity,
    outbox: new FileOutbox(join(o.stateDir, "outbox")),
    runner: createVqlRunner(createLinuxSystem()),
    version: o.version,
    log: o.log,
    eventTableStore: fileEventTableStore(join(o.stateDir, "event-table.json"), fs),
  });
  return Object.assign(agent, { created: identity.created });
}

/** `time LEVEL message key=value` lines, like the server's log. */
export function lineLog(write: (line: string) => void, prefix = ""): AgentLog {
  return (level, message, fields) => {
    const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === "string" ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`).join("") : "";
    write(`${new Date().toISOString()} ${level.toUpperCase()} ${prefix}${message}${extra}`);
  };
}
