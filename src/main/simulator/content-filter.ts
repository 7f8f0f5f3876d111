/** Words the simulated safety filter (Segmind's RAI check) refuses; a blocked request ends FAILED. */
export const DEFAULT_BLOCKED_WORDS = ['gore', 'nsfw', 'blocked-content'];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first blocked word the prompt contains as a whole word (so "gorgeous" passes "gore"). */
export function blockedBy(prompt: string, words: string[]): string | undefined {
  const lower = prompt.toLowerCase();
  return words.find((word) =>
    new RegExp(`(^|[^\\p{L}])${escape(word.toLowerCase())}($|[^\\p{L}])`, 'u').test(lower),
  );
}
