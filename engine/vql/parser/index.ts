// Public surface of the parser half (re-exports only; engine/vql/index.ts re-exports these).
export { parse } from "./parse";
export { tokenize, type Token, type TokenKind, type LexResult } from "../lexer/lexer";
export { KEYWORDS, isReserved, keywordOf, type KeywordInfo, type KeywordKind } from "../lexer/keywords";
export { printExpr, printSelectFlat, columnName } from "../ast/print";
export { DIAGNOSTICS, makeDiagnostic, hasErrors, formatMessage, type DiagnosticCode } from "../diagnostics";
export type * from "../ast/types";
