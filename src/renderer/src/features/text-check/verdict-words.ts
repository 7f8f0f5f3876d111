import type { PhraseVerdict } from '../../../../shared/api/text-check.ts';

/** A phrase's verdict as a person would say it. */
export function verdictWords(verdict: PhraseVerdict): string {
  switch (verdict.verdict) {
    case 'right':
      return 'spelled right';
    case 'misspelled':
      return `misspelled: reads “${verdict.read ?? ''}”`;
    case 'missing':
      return 'not found in the image';
  }
}
