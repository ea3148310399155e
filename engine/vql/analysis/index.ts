// Public surface of the analysis passes (re-exports only).
export { lint, type LintOptions } from "./lint";
export { outline, markdownOf, type OutlineEntry, type OutlineParam } from "./outline";
export { completionContext, type CompletionContext, type CallInfo } from "./completion-context";
export { indexDescriptors, type DescriptorLike, type ArgInfo, type DescriptorIndex } from "./descriptors";
export { editDistance, nearest, didYouMean } from "./suggest";
export { rankCompletions, matchKind, MATCH_KINDS, type RankCandidate, type MatchKind } from "./rank";
