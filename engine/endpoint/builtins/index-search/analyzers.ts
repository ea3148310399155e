// bleve's analyzers as index() and index_search() use them: text into positioned terms.
// standard = Unicode word segmentation (UAX #29, as bleve's unicode tokenizer) + lower case +
// English stop words (bleve's stop_en); simple = runs of letters, lower-cased; keyword = the
// whole value as one term; whitespace = runs of non-space. Pure functions, no I/O.

export interface Token {
  term: string;
  /** 1-based position in the token stream (stop words keep their slot, as in bleve). */
  pos: number;
}

export type Analyzer = (text: string) => Token[];

// bleve analysis/lang/en stop_words_en (the Snowball English list).
const STOP_EN = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself " +
    "they them their theirs themselves what which who whom this that these those am is are was were be been being have has had " +
    "having do does did doing would should could ought i'm you're he's she's it's we're they're i've you've we've they've i'd " +
    "you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't hasn't haven't hadn't " +
    "doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't let's that's who's what's here's " +
    "there's when's where's why's how's a an the and but if or because as until while of at by for with about against between " +
    "into through during before after above below to from up down in out on off over under again further then once here there " +
    "when where why how all any both each few more most other some such no nor not only own same so than too very"
  ).split(" "),
);

let segmenter: Intl.Segmenter | undefined;

// Segmenting is the costliest step of indexing, and forensic rows repeat values (paths, users,
// event names): the words of recent values are kept.
const recent = new Map<string, string[]>();
const RECENT = 4096;

function unicodeWords(text: string): string[] {
  const hit = recent.get(text);
  if (hit) return hit;
  segmenter ??= new Intl.Segmenter("en", { granularity: "word" });
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  if (text.length <= 1024) {
    if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
    recent.set(text, out);
  }
  return out;
}

const standard: Analyzer = (text) => {
  const out: Token[] = [];
  unicodeWords(text).forEach((w, i) => {
    const term = w.toLowerCase();
    if (!STOP_EN.has(term)) out.push({ term, pos: i + 1 });
  });
  return out;
};

const simple: Analyzer = (text) => (text.match(/\p{L}+/gu) ?? []).map((w, i) => ({ term: w.toLowerCase(), pos: i + 1 }));
const keyword: Analyzer = (text) => (text === "" ? [] : [{ term: text, pos: 1 }]);
const whitespace: Analyzer = (text) => (text.match(/\S+/gu) ?? []).map((w, i) => ({ term: w, pos: i + 1 }));

const ANALYZERS: Record<string, Analyzer> = { standard, simple, keyword, whitespace };

export const ANALYZER_NAMES = Object.keys(ANALYZERS);

/** The analyzer of that name, or undefined (bleve: no analyzer with that name registered). */
export function analyzerNamed(name: string): Analyzer | undefined {
  return Object.hasOwn(ANALYZERS, name) ? ANALYZERS[name] : undefined;
}
