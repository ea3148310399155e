// Public surface of the parser half of engine/vql (re-exports only; engine/vql/index.ts
// re-exports these for the server, the agent, the editor and the artifact loader).
export { parse } from "./parse";
export { tokenize, type Token, type TokenKind, type LexResult } from "../lexer/lexer";
export { KEYWORDS, isReserved, keywordOf, type KeywordInfo, type KeywordKind } from "../lexer/keywords";
export { decodeString, decodeNumber, unquoteIdent, formatGoFloat } from "../lexer/literals";
export { printExpr, printSelectFlat, columnName } from "../ast/print";
export { formatVql, printProgram, flatExpr, flatSelect, type FormatOptions } from "../ast/format";
export { walk, collect, pathAt, type Visitor } from "../ast/walk";
export { mapTree, mapStatements } from "../ast/map";
export { stripSpans } from "../ast/strip-spans";
export { lineCol, position, offsetAt, lineStarts, renderAt, renderDiagnostic } from "../ast/positions";
export { DIAGNOSTICS, makeDiagnostic, hasErrors, formatMessage, type DiagnosticCode, type DiagnosticTemplate } from "../diagnostics";
export * from "../analysis/index";
export type * from "../ast/types";
export { parseExpression, parseLambda, type ExpressionResult, type LambdaResult } from "./fragments";
