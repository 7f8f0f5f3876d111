/**
 * Quoted text in a prompt is the text the image must spell: Ideogram's pages say to put exact in-image
 * text in quotes. One definition, used by the prompt editor (to highlight it), the simulator (to draw
 * it) and the text check (to look for it), so all three agree on what counts as a phrase.
 *
 * Straight and curly double quotes always count. Single quotes count only when they stand outside a
 * word ('OPEN', not the apostrophe of "don't"): Segmind's own example prompt quotes 'Segmind' that way.
 * A double quote still open (being typed) runs to the end of its line and is no phrase yet.
 */
const quotes =
  /"([^"\n]+)"|“([^”\n]+)”|‘([^’\n]+)’|(?<![\p{L}\p{N}])'([^'\n]+)'(?![\p{L}\p{N}])|"[^"\n]*"?|“[^”\n]*”?/gu;

export interface QuotedSpan {
  start: number;
  end: number;
  /** The text between the quotes, trimmed; null while the quote is unclosed or holds only spaces. */
  phrase: string | null;
}

export function quotedSpans(text: string): QuotedSpan[] {
  return [...text.matchAll(quotes)].map((match) => {
    const inner = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? '').trim();
    return { start: match.index, end: match.index + match[0].length, phrase: inner || null };
  });
}

/** The phrases the image should show, in prompt order. */
export function quotedPhrases(prompt: string): string[] {
  return quotedSpans(prompt).flatMap((span) => (span.phrase === null ? [] : [span.phrase]));
}

export interface QuotedRun {
  text: string;
  quoted: boolean;
}

/** The prompt cut into plain and quoted runs that join back into it, for highlighting in an editor. */
export function quotedRuns(text: string): QuotedRun[] {
  const runs: QuotedRun[] = [];
  let last = 0;
  for (const span of quotedSpans(text)) {
    if (span.start > last) runs.push({ text: text.slice(last, span.start), quoted: false });
    runs.push({ text: text.slice(span.start, span.end), quoted: true });
    last = span.end;
  }
  if (last < text.length) runs.push({ text: text.slice(last), quoted: false });
  return runs;
}
