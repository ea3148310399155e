// The package spec deb_create() and rpm_create() build from, in Velociraptor's shape (its
// vql/tools/packaging PackageSpec, which show_spec=TRUE returns and package_spec= takes back):
// {Server, OutputFilenameTemplate, Files: {path template: {Mode, Owner, Template}}, Templates,
// Expansion}. The files are Talon's: the agent bundle (the config embedded in it, as repack()
// embeds it) and its systemd unit; the special file keys Postin, Prerm, Preun and Postun are the
// package's scripts. Templates use the subset of Go's text/template that Velociraptor's specs
// use: {{ .Field }}, {{ Expand "Name" }}, {{ EscapeArgs .ExtraArgs }}, {{ ShellEscape (Expand "Name") }}.
import { TALON_VERSION } from "@/engine/server/version";

export interface FileSpec {
  Mode?: number;
  Owner?: string;
  Template?: string;
}

export type Expansion = Record<string, string | number>;

export interface PackageSpec {
  Server: boolean;
  OutputFilenameTemplate: string;
  Files: Record<string, FileSpec>;
  Templates: Record<string, string>;
  Expansion: Expansion;
}

export type PackageKind = "deb" | "rpm";

const SERVICE_DEFINITION = `
[Unit]
Description={{.ServiceDescription}}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
Restart=on-failure
RestartSec=10
LimitNOFILE=20000
Environment=LANG=en_US.UTF-8
ExecStart=/usr/bin/node {{.VelociraptorBinaryPath}} --state {{.StatePath}} {{ EscapeArgs .ExtraArgs }}

[Install]
WantedBy=multi-user.target
`;

const POSTINST = `
# The bundle carries the enrolment token: root only.
chown root:root {{.VelociraptorBinaryPath}}
chmod 700 {{.VelociraptorBinaryPath}}
mkdir -p {{.StatePath}}
chmod 700 {{.StatePath}}

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable {{.SystemdServiceFile}}
  systemctl start {{.SystemdServiceFile}}
fi
`;

const PRERM = `
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable {{.SystemdServiceFile}}
  systemctl stop {{.SystemdServiceFile}}
fi
`;

// rpm runs %preun with $1 = 0 on removal and 1 on upgrade; %postun likewise.
const RPM_PREUN = `
if [ "$1" = 0 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable {{.SystemdServiceFile}}
  systemctl stop {{.SystemdServiceFile}}
fi
`;

const RPM_POSTUN = `
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ "$1" -ge 1 ]; then systemctl try-restart {{.SystemdServiceFile}}; fi
fi
`;

function expansion(): Expansion {
  return {
    Name: "talon-agent",
    Maintainer: "Talon",
    MaintainerEmail: "root@localhost",
    Homepage: "",
    Depends: "nodejs (>= 20)",
    Version: "",
    Release: "",
    Arch: "",
    VelociraptorBinaryPath: "/usr/lib/talon-agent/talon-agent.mjs",
    StatePath: "/var/lib/talon-agent",
    ExtraArgs: "",
    SystemdServiceFile: "talon-agent.service",
    SysvService: "talon-agent",
    ServiceDescription: "Talon endpoint agent",
    ConfigYaml: "",
    ExeBytes: "",
  };
}

export function defaultSpec(kind: PackageKind): PackageSpec {
  const files: Record<string, FileSpec> = {
    "{{.VelociraptorBinaryPath}}": { Template: "{{ .ExeBytes }}", Mode: 0o700, Owner: "root" },
    "/etc/systemd/system/{{.SystemdServiceFile}}": { Template: '{{ Expand "ServiceDefinition" }}', Mode: 0o644, Owner: "root" },
    Postin: { Template: '{{ Expand "PostInst" }}' },
  };
  if (kind === "deb") {
    files.Prerm = { Template: '{{ Expand "Prerm" }}' };
    return {
      Server: false,
      OutputFilenameTemplate: "talon_client_{{ .Version }}_{{ .Arch }}.deb",
      Files: files,
      Templates: { ServiceDefinition: SERVICE_DEFINITION, PostInst: POSTINST, Prerm: PRERM },
      Expansion: expansion(),
    };
  }
  files.Preun = { Template: '{{ Expand "Preun" }}' };
  files.Postun = { Template: '{{ Expand "Postun" }}' };
  return {
    Server: false,
    OutputFilenameTemplate: "talon_client_{{ .Version }}_{{ .Arch }}.rpm",
    Files: files,
    Templates: {
      // rpmpack's metadata, as JSON (Velociraptor's template; keys are matched in any case).
      Metadata: '{"name": "{{ .SysvService }}", "version": "{{ .Version }}", "release": "{{ .Release}}", "arch": "{{.Arch}}"}',
      ServiceDefinition: SERVICE_DEFINITION,
      PostInst: POSTINST,
      Preun: RPM_PREUN,
      Postun: RPM_POSTUN,
    },
    Expansion: { ...expansion(), Release: "A" },
  };
}

/** The runtime fields Velociraptor's SetRuntimeParameters fills: version, arch, release, the config and the binary. */
export function withRuntime(spec: PackageSpec, kind: PackageKind, p: { release?: string; configYaml: string; exe: string }): PackageSpec {
  const e: Expansion = { ...spec.Expansion };
  e.Version = TALON_VERSION.replace(/-/g, ".");
  e.Arch = kind === "deb" ? "all" : "noarch";
  if (p.release) e.Release = p.release;
  else if (!e.Release && kind === "rpm") e.Release = "A";
  e.ConfigYaml = p.configYaml;
  e.ExeBytes = p.exe;
  return { ...spec, Expansion: e };
}

/** A shell word: Velociraptor's ShellEscape / EscapeArgs quoting. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Expands one template with the spec's Expansion and Templates; unsupported actions are an error. */
export function expandTemplate(template: string, spec: Pick<PackageSpec, "Expansion" | "Templates">, depth = 0): string {
  if (depth > 8) throw new Error("templates expand each other too deeply");
  const field = (name: string): string => {
    if (!(name in spec.Expansion)) throw new Error(`template: no field ${name} in the spec's Expansion`);
    return String(spec.Expansion[name] ?? "");
  };
  const expand = (name: string): string => {
    const t = spec.Templates[name];
    if (t === undefined) throw new Error(`template: no template ${JSON.stringify(name)} in the spec's Templates`);
    return expandTemplate(t, spec, depth + 1);
  };
  const evaluate = (action: string): string => {
    const a = action.trim();
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(a))) return field(m[1]!);
    if ((m = /^Expand\s+"([^"]*)"$/.exec(a))) return expand(m[1]!);
    if ((m = /^EscapeArgs\s+\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(a))) return field(m[1]!);
    if ((m = /^ShellEscape\s+\(\s*Expand\s+"([^"]*)"\s*\)$/.exec(a))) return expand(m[1]!).replace(/\\/g, "\\\\").replace(/\$/g, "\\$").replace(/`/g, "\\`");
    if ((m = /^ShellEscape\s+\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(a))) return shellQuote(field(m[1]!));
    throw new Error(`template: the action {{${action}}} is not supported (Talon expands {{ .Field }}, {{ Expand "Name" }}, {{ EscapeArgs .Field }} and {{ ShellEscape ... }})`);
  };
  let out = "";
  let at = 0;
  for (;;) {
    const open = template.indexOf("{{", at);
    if (open < 0) {
      out += template.slice(at);
      return out;
    }
    const close = template.indexOf("}}", open + 2);
    if (close < 0) throw new Error("template: an action is not closed with }}");
    let text = template.slice(at, open);
    let action = template.slice(open + 2, close);
    if (action.startsWith("-")) {
      text = text.replace(/\s+$/, "");
      action = action.slice(1);
    }
    let next = close + 2;
    if (action.endsWith("-")) {
      action = action.slice(0, -1);
      while (next < template.length && /\s/.test(template[next]!)) next++;
    }
    out += text + evaluate(action);
    at = next;
  }
}
