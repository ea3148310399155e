// Types for libyara-wasm (YARA compiled to WebAssembly; the package ships none): the one entry
// point it exposes, run(buffer, rules), and the embind vectors it returns.
declare module "libyara-wasm" {
  interface EmVector<T> {
    size(): number;
    get(i: number): T;
    delete(): void;
  }
  interface YaraMatch {
    location: number;
    matchLength: number;
    data: string;
    stringIdentifier: string;
  }
  interface YaraMeta {
    identifier: string;
    data: string;
  }
  interface YaraRule {
    ruleName: string;
    resolvedMatches: EmVector<YaraMatch>;
    metadata: EmVector<YaraMeta>;
  }
  interface YaraCompileError {
    message: string;
    lineNumber: number;
    warning: boolean;
  }
  interface YaraResult {
    compileErrors: EmVector<YaraCompileError>;
    matchedRules: EmVector<YaraRule>;
    consoleLogs: EmVector<string>;
    delete(): void;
  }
  interface YaraModule {
    run(buffer: Uint8Array, rules: string): YaraResult;
  }
  const init: () => Promise<YaraModule>;
  export default init;
}
