import { models, type ModelId } from '../../../../shared/models/index.ts';
import { quotedPhrases } from '../../../../shared/quoted-text.ts';

/**
 * Ideogram's pages: magic prompt (3.0) and prompt expansion (4.0) rewrite the prompt with a language
 * model, and may change the words in quotes; QUALITY renders text best; PNG keeps letter edges crisp.
 */
export interface ExactTextAdvice {
  /** What may rewrite the quoted words with the current settings, or null when nothing will. */
  rewriter: 'Magic prompt' | 'Prompt expansion' | null;
  /** The "Exact text" settings for this model. */
  preset: Record<string, unknown>;
  presetApplied: boolean;
}

/** Advice for a draft whose prompt quotes text; null when it quotes none or the model has no such switch. */
export function exactTextAdvice(model: ModelId, draft: Record<string, unknown>): ExactTextAdvice | null {
  const prompt = typeof draft.prompt === 'string' ? draft.prompt : '';
  if (quotedPhrases(prompt).length === 0) return null;
  const fields = models[model].fields;
  const value = (name: string) => draft[name] ?? fields.find((field) => field.name === name)?.default;
  const has = (name: string) => fields.some((field) => field.name === name);
  let preset: Record<string, unknown>;
  let rewriter: ExactTextAdvice['rewriter'];
  if (has('enable_prompt_expansion')) {
    preset = { enable_prompt_expansion: false, rendering_speed: 'QUALITY' };
    if (has('output_format')) preset.output_format = 'png';
    rewriter = value('enable_prompt_expansion') === false ? null : 'Prompt expansion';
  } else if (has('magic_prompt')) {
    preset = { magic_prompt: 'OFF', rendering_speed: 'QUALITY' };
    // AUTO lets the model decide to rewrite: only OFF keeps the words as typed.
    rewriter = value('magic_prompt') === 'OFF' ? null : 'Magic prompt';
  } else {
    return null;
  }
  const presetApplied = Object.entries(preset).every(([name, wanted]) => value(name) === wanted);
  return { rewriter, preset, presetApplied };
}
