// Types for libyara-wasm (YARA compiled to WebAssembly; the package ships none): the one entry
// point it exposes, run(buffer, rules), and the embind vectors it returns.
declare module "libyara-wasm" {
  export interface EmVector<T> {
    size(): number;
    get(i: number): T;
    delete(): void;
  }
  export interface YaraMatch {
    location: number;
    matchLength: number;
    data: string;
    stringIdentifier: string;
  }
  export interface YaraMeta {
    identifier: string;
    data: string;
  }
  export interface YaraRule {
    ruleName: string;
    resolvedMatches: EmVector<YaraMatch>;
    metadata: EmVector<YaraMeta>;
  }
  export interface YaraCompileError {
    message: string;
    lineNumber: number;
    warning: boolean;
  }
  export interface YaraResult {
    compileErrors: EmVector<YaraCompileError>;
    matchedRules: EmVector<YaraRule>;
    consoleLogs: EmVector<string>;
    delete(): void;
  }
  export interface YaraModule {
    run(buffer: Uint8Array, rules: string): YaraResult;
  }
  const init: () => Promise<YaraModule>;
  export default init;
}
