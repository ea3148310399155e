// server_frontend_cert(), as Velociraptor's vql/server/frontend_cert.go: the server's frontend
// TLS certificate (PEM) from its configuration, MACHINE_STATE. Talon serves plain HTTP (TLS is
// terminated in front of it, docs/deployment notes) and holds no frontend certificate, which is
// Velociraptor's state without a Frontend config: the result is NULL. Talon also logs why, so
// artifacts that encrypt to it (Server.Utils.CreateCollector's x509 scheme) say what happened.
import { defineFunction, type Builtin } from "../../vql";

export const serverFrontendCertFunction = defineFunction({
  name: "server_frontend_cert",
  category: "server",
  doc: "Get Server Frontend Certificate: the PEM of the server's frontend TLS certificate. Talon terminates no TLS itself and has none, so this is NULL (with an INFO line saying so), as Velociraptor's is without a frontend configuration.",
  args: {},
  permissions: ["MACHINE_STATE"],
  platforms: ["server"],
  run(_args, ctx) {
    ctx.signal.throwIfAborted();
    ctx.log("INFO", "server_frontend_cert: Talon serves no TLS itself and holds no frontend certificate");
    return null;
  },
});

export const serverFrontendCertBuiltins: readonly Builtin[] = [serverFrontendCertFunction];
