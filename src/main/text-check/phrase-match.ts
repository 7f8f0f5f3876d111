/**
 * Matching a prompt's quoted phrase against what OCR read. Both sides are folded the same way: case,
 * accents, spaces and punctuation do not count (PaddleOCR drops spaces; posters set words in caps),
 * and a few shapes OCR confuses in sans type (0/O, 1/l/I) count as one letter. What is left is an
 * approximate substring search with Damerau edits, so a swapped, dropped or doubled letter costs one.
 */

export type Verdict = 'right' | 'misspelled' | 'missing';

export interface PhraseVerdict {
  phrase: string;
  verdict: Verdict;
  /** What the image shows where the phrase should be (for 'misspelled'), as OCR read it. */
  read: string | null;
  /** Edits between the phrase and that text; null when nothing close enough was found. */
  distance: number | null;
}

export interface MatchPolicy {
  /**
   * The share of a phrase's letters that may differ before "misspelled" becomes "not found". Tuned on
   * bench/text.ts's tuning seeds, never on the seeds it reports.
   */
  missingRatio: number;
}

/** 0.4: the best of 0.2-0.5 at telling misspelled from missing on bench:text's tuning seed 2027. */
export const defaultMatchPolicy: MatchPolicy = { missingRatio: 0.4 };

const confusable: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '|': 'l' };

interface Folded {
  chars: string[];
  /** For each folded character, the index of the character of the original text it came from. */
  origin: number[];
  /** Whether a space or punctuation (or the start) comes right before each folded character. */
  wordStart: boolean[];
}

export function fold(text: string): Folded {
  const chars: string[] = [];
  const origin: number[] = [];
  const wordStart: boolean[] = [];
  let gap = true;
  let index = 0;
  for (const char of text) {
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    let kept = false;
    for (const c of base) {
      const mapped = confusable[c] ?? c;
      if (/[\p{L}\p{N}]/u.test(mapped)) {
        chars.push(mapped);
        origin.push(index);
        wordStart.push(gap);
        gap = false;
        kept = true;
      }
    }
    if (!kept) gap = true;
    index += char.length;
  }
  return { chars, origin, wordStart };
}

interface Best {
  distance: number;
  start: number;
  end: number;
}

/**
 * Sellers' algorithm: the edit distance from the phrase to the closest substring of the text, with
 * adjacent transpositions (optimal string alignment). O(phrase x text); both are short.
 */
function closestSubstring(phrase: string[], text: string[]): Best {
  const m = phrase.length;
  const n = text.length;
  const width = n + 1;
  const cost = new Int32Array((m + 1) * width);
  const start = new Int32Array((m + 1) * width);
  for (let j = 0; j <= n; j++) start[j] = j;
  for (let i = 1; i <= m; i++) {
    cost[i * width] = i;
    start[i * width] = 0;
    for (let j = 1; j <= n; j++) {
      const here = i * width + j;
      const same = phrase[i - 1] === text[j - 1] ? 0 : 1;
      let best = cost[here - width - 1]! + same;
      let from = start[here - width - 1]!;
      if (cost[here - width]! + 1 < best) {
        best = cost[here - width]! + 1;
        from = start[here - width]!;
      }
      if (cost[here - 1]! + 1 < best) {
        best = cost[here - 1]! + 1;
        from = start[here - 1]!;
      }
      if (
        i > 1 &&
        j > 1 &&
        phrase[i - 1] === text[j - 2] &&
        phrase[i - 2] === text[j - 1] &&
        cost[here - 2 * width - 2]! + 1 < best
      ) {
        best = cost[here - 2 * width - 2]! + 1;
        from = start[here - 2 * width - 2]!;
      }
      cost[here] = best;
      start[here] = from;
    }
  }
  let found: Best = { distance: m, start: 0, end: 0 };
  for (let j = 1; j <= n; j++) {
    const d = cost[m * width + j]!;
    const from = start[m * width + j]!;
    if (d < found.distance) found = { distance: d, start: from, end: j };
    // An equally close match one letter longer is the same word read with a letter more ("LATTE").
    else if (d === found.distance && j === found.end + 1 && from === found.start) found.end = j;
  }
  return found;
}

/** Damerau (optimal string alignment) distance between two folded strings. */
function editDistance(a: readonly string[], b: readonly string[]): number {
  const width = b.length + 1;
  const d = new Int32Array((a.length + 1) * width);
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    d[i * width] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = i * width + j;
      let best = Math.min(
        d[here - width - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        d[here - width]! + 1,
        d[here - 1]! + 1,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[here - 2 * width - 2]! + 1);
      }
      d[here] = best;
    }
  }
  return d[a.length * width + b.length]!;
}

/**
 * The closest match widened to whole words of what was read: a doubled first or last letter
 * ("EEspresso", "NIGHTT") holds the phrase as a substring, but the word on the image is not it.
 */
function closestWords(phrase: string[], read: Folded): Best {
  const best = closestSubstring(phrase, read.chars);
  if (best.end <= best.start) return best;
  let start = best.start;
  let end = best.end;
  while (start > 0 && !read.wordStart[start]) start--;
  while (end < read.chars.length && !read.wordStart[end]) end++;
  if (start === best.start && end === best.end) return best;
  return { distance: editDistance(phrase, read.chars.slice(start, end)), start, end };
}

/** Checks one phrase against the lines one engine read. */
export function matchPhrase(
  phrase: string,
  lines: readonly string[],
  policy: MatchPolicy = defaultMatchPolicy,
): PhraseVerdict {
  const wanted = fold(phrase);
  if (wanted.chars.length === 0) return { phrase, verdict: 'right', read: null, distance: 0 };
  // Lines are joined without a gap: a phrase the image wraps over two lines still reads as one.
  const text = lines.join('\n');
  const read = fold(text);
  const best = closestWords(wanted.chars, read);
  if (best.distance === 0 || wordsReadApart(phrase, read)) {
    return { phrase, verdict: 'right', read: null, distance: 0 };
  }
  const allowed = Math.max(1, Math.floor(wanted.chars.length * policy.missingRatio));
  if (best.end > best.start && best.distance <= allowed) {
    const from = read.origin[best.start]!;
    const to = read.origin[best.end - 1]! + 1;
    const shown = text.slice(from, to).replace(/\s+/g, ' ').trim();
    return { phrase, verdict: 'misspelled', read: shown, distance: best.distance };
  }
  return { phrase, verdict: 'missing', read: null, distance: null };
}

/**
 * A phrase of several words can come back as several lines, in another order, when the image sets
 * it on a slant or in a block ("LATE", "OPEN"): each word read exactly, as a word of its own, counts.
 */
function wordsReadApart(phrase: string, read: Folded): boolean {
  const words = phrase
    .split(/[^\p{L}\p{N}]+/u)
    .map((word) => fold(word).chars)
    .filter((w) => w.length > 0);
  return words.length > 1 && words.every((word) => closestWords(word, read).distance === 0);
}

/**
 * One verdict per phrase from several engines' readings: a phrase any engine read exactly is right
 * (engines misread; they do not invent the correct spelling), otherwise the closest reading wins.
 */
export function checkPhrases(
  phrases: readonly string[],
  readings: readonly (readonly string[])[],
  policy: MatchPolicy = defaultMatchPolicy,
): PhraseVerdict[] {
  return phrases.map((phrase) => {
    const verdicts = readings.map((lines) => matchPhrase(phrase, lines, policy));
    const right = verdicts.find((v) => v.verdict === 'right');
    if (right) return right;
    const close = verdicts
      .filter((v) => v.verdict === 'misspelled')
      .sort((a, b) => a.distance! - b.distance!)[0];
    return close ?? { phrase, verdict: 'missing', read: null, distance: null };
  });
}
