#!/usr/bin/env node
// Builds native/audit-netlink (audit()'s NETLINK_AUDIT socket, an N-API addon in C) with the
// node-gyp that npm ships, against the headers of the Node that runs this (no download). Run by
// `npm install` (postinstall); never fails the install: without Linux, a compiler or the
// headers it says why, and audit() then logs that the addon is not built.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "native", "audit-netlink");
const skip = (why) => {
  console.warn(`audit addon not built: ${why} (audit() will report it; everything else works)`);
  process.exit(0);
};

if (process.platform !== "linux") skip("audit() needs Linux");
if (process.env.TALON_SKIP_AUDIT_ADDON) skip("TALON_SKIP_AUDIT_ADDON is set");
// The headers next to this Node (/usr/include/node for a distribution's Node, <prefix>/include/node for a tarball's).
const nodedir = dirname(dirname(process.execPath));
if (!existsSync(join(nodedir, "include", "node", "node_api.h"))) skip(`no Node headers under ${nodedir}/include/node`);
// npm names its node-gyp to lifecycle scripts; run by hand, npm's own copy beside this Node.
const gyp = process.env.npm_config_node_gyp || join(nodedir, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
if (!existsSync(gyp)) skip(`npm's node-gyp not found (${gyp})`);
try {
  execFileSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  console.log("audit addon built: native/audit-netlink/build/Release/audit_netlink.node");
} catch (err) {
  skip(String(err.stderr ?? err.message).trim().split("\n").slice(-3).join(" "));
}
