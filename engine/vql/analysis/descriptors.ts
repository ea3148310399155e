// The slice of builtin descriptors the analysis passes read (structurally compatible with
// builtins/describe.ts BuiltinDescriptor, so hand-made fixtures work too), and a name index.

export interface ArgInfo {
  name: string;
  required: boolean;
  type?: string;
  doc?: string;
}

export interface DescriptorLike {
  name: string;
  kind: "plugin" | "function";
  args: readonly ArgInfo[];
  /** Present when the builtin accepts any argument names (dict(), chain(), ...). */
  freeArgs?: unknown;
  doc?: string;
}

export interface DescriptorIndex {
  functions: Map<string, DescriptorLike>;
  plugins: Map<string, DescriptorLike>;
}

export function indexDescriptors(descriptors: readonly DescriptorLike[]): DescriptorIndex {
  const functions = new Map<string, DescriptorLike>();
  const plugins = new Map<string, DescriptorLike>();
  for (const d of descriptors) (d.kind === "plugin" ? plugins : functions).set(d.name, d);
  return { functions, plugins };
}
