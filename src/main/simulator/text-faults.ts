/**
 * The simulator's text knobs: like Ideogram on a bad seed, it can misspell the quoted text or draw it
 * hard to read, so the text check is exercised for real by the tests, the benchmark and the demo.
 */

export interface TextFaults {
  /** Share of images (0..1) whose quoted text has one phrase misspelled: a letter swapped, dropped or doubled. */
  misspellRate?: number;
  /** Share of images (0..1) whose quoted text is drawn small, rotated, outlined or on a busy background. */
  hardTextRate?: number;
  /**
   * The first K requests of each prompt have every image misspelled, later ones follow misspellRate:
   * like a seed that gets the words wrong and the next that gets them right, deterministically, so a
   * test or a demo of "until it's right" knows which attempt passes.
   */
  misspellFirst?: number;
}

export const misspellings = ['swap', 'drop', 'double'] as const;
export type Misspelling = (typeof misspellings)[number];
export const hardLooks = ['small', 'rotated', 'outlined', 'busy'] as const;
export type HardLook = (typeof hardLooks)[number];

/** How the quoted text is drawn. Every field has a plain default: white bold DejaVu Sans, as big as fits. */
export interface TextLook {
  font?: string;
  weight?: 'bold' | 'normal';
  italic?: boolean;
  /** 1 fills the width; smaller draws the text smaller than it could be. */
  scale?: number;
  /** Degrees, clockwise. */
  rotate?: number;
  fill?: string;
  /** Letters drawn as outlines only, in the fill colour. */
  outline?: boolean;
  /** Stripes of two colours behind the letters. */
  busy?: boolean;
}

/** What the image shows instead of the prompt's phrases, and how. */
export interface DrawnText {
  phrases: string[];
  look: TextLook;
}

const letter = /[\p{L}\p{N}]/u;

/** One visible mistake in a phrase. A phrase without a letter that can change is returned as is. */
export function misspell(text: string, kind: Misspelling, random: () => number): string {
  const chars = [...text];
  const positions = chars.flatMap((c, i) => (letter.test(c) ? [i] : []));
  if (kind === 'swap') {
    // Swapping equal neighbours would change nothing: only pairs of different letters qualify.
    const pairs = positions.filter(
      (i) => letter.test(chars[i + 1] ?? '') && chars[i]!.toLowerCase() !== chars[i + 1]!.toLowerCase(),
    );
    const at = pairs[Math.floor(random() * pairs.length)];
    if (at === undefined) return misspell(text, 'double', random);
    [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
    return chars.join('');
  }
  const at = positions[Math.floor(random() * positions.length)];
  if (at === undefined) return text;
  if (kind === 'drop' && positions.length > 1) chars.splice(at, 1);
  else chars.splice(at, 0, chars[at]!);
  return chars.join('');
}

export function hardLook(kind: HardLook, random: () => number): TextLook {
  switch (kind) {
    case 'small':
      return { scale: 0.3 + random() * 0.1 };
    case 'rotated':
      return { rotate: (random() < 0.5 ? -1 : 1) * (8 + random() * 14) };
    case 'outlined':
      return { outline: true };
    case 'busy':
      return { busy: true };
  }
}

/** Rolls the knobs for one image; `random` is seeded from the image, so a seed always draws the same. */
export function drawnText(phrases: string[], faults: TextFaults, random: () => number): DrawnText {
  const drawn = [...phrases];
  let look: TextLook = {};
  if (phrases.length > 0 && random() < (faults.misspellRate ?? 0)) {
    const which = Math.floor(random() * phrases.length);
    const kind = misspellings[Math.floor(random() * misspellings.length)]!;
    drawn[which] = misspell(phrases[which]!, kind, random);
  }
  if (random() < (faults.hardTextRate ?? 0)) {
    look = hardLook(hardLooks[Math.floor(random() * hardLooks.length)]!, random);
  }
  return { phrases: drawn, look };
}
