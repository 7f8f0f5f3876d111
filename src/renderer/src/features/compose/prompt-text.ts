/** Splits a prompt into plain and quoted runs; quoted text is what the image will spell. */
export function quotedRuns(text: string): { text: string; quoted: boolean }[] {
  const runs: { text: string; quoted: boolean }[] = [];
  const pattern = /"[^"\n]*"?|“[^”\n]*”?/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) runs.push({ text: text.slice(last, match.index), quoted: false });
    runs.push({ text: match[0], quoted: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), quoted: false });
  return runs;
}
