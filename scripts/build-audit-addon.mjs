#!/usr/bin/env node
// Builds Talon's small N-API addons in C with the node-gyp that npm ships, against the headers
// of the Node that runs this (no download): native/audit-netlink (audit()'s NETLINK_AUDIT
// socket) and native/kernel-events (watch_ebpf()'s process connector and packet socket). Run
// by `npm install` (postinstall); never fails the install: without Linux, a compiler or the
// headers it says why, and the builtin then logs that its addon is not built.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "native");
const ADDONS = [
  { dir: "audit-netlink", file: "audit_netlink.node", env: "TALON_SKIP_AUDIT_ADDON", who: "audit()" },
  { dir: "kernel-events", file: "kernel_events.node", env: "TALON_SKIP_KERNEL_EVENTS_ADDON", who: "watch_ebpf()" },
];

function build({ dir, file, env, who }) {
  const skip = (why) => console.warn(`${dir} addon not built: ${why} (${who} will report it; everything else works)`);
  if (process.platform !== "linux") return skip(`${who} needs Linux`);
  if (process.env[env]) return skip(`${env} is set`);
  // The headers next to this Node (/usr/include/node for a distribution's Node, <prefix>/include/node for a tarball's).
  const nodedir = dirname(dirname(process.execPath));
  if (!existsSync(join(nodedir, "include", "node", "node_api.h"))) return skip(`no Node headers under ${nodedir}/include/node`);
  // npm names its node-gyp to lifecycle scripts; run by hand, npm's own copy beside this Node.
  const gyp = process.env.npm_config_node_gyp || join(nodedir, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (!existsSync(gyp)) return skip(`npm's node-gyp not found (${gyp})`);
  try {
    execFileSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`], { cwd: join(root, dir), stdio: ["ignore", "ignore", "pipe"] });
    console.log(`${dir} addon built: native/${dir}/build/Release/${file}`);
  } catch (err) {
    skip(String(err.stderr ?? err.message).trim().split("\n").slice(-3).join(" "));
  }
}

for (const a of ADDONS) build(a);
