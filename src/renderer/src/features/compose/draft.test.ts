import { describe, expect, it } from 'vitest';
import { modelIds, parseModelParams } from '../../../../shared/models/index.ts';
import { cleanDraft, defaultsOf, draftFrom, withoutOldExamples } from './draft.ts';

describe('compose drafts', () => {
  it.each(modelIds.filter((id) => id !== 'ideogram-3-remix'))(
    'the defaults of %s plus a prompt are a valid request',
    (model) => {
      const params = cleanDraft(model, { ...defaultsOf(model), prompt: 'A fox' });
      expect(parseModelParams(model, params)).toMatchObject({ ok: true });
    },
  );

  it('a remix draft needs only its source and prompt on top of the defaults', () => {
    const params = cleanDraft('ideogram-3-remix', {
      ...defaultsOf('ideogram-3-remix'),
      prompt: 'A fox',
      image: `local:${'a'.repeat(64)}`,
    });
    expect(parseModelParams('ideogram-3-remix', params)).toMatchObject({ ok: true });
  });

  it('leaves out empty optional values and keys the model does not know', () => {
    const params = cleanDraft('ideogram-3', {
      prompt: 'A fox',
      negative_prompt: '   ',
      seed: undefined,
      num_images: 4,
    });
    expect(params).toEqual({ prompt: 'A fox' });
  });

  it("keeps a recipe's aspect ratio instead of adding the default resolution", () => {
    const draft = draftFrom('ideogram-3', { prompt: 'A fox', aspect_ratio: '16x9', seed: 4242, unknown: 1 });
    expect(draft.aspect_ratio).toBe('16x9');
    expect(draft.resolution).toBeUndefined();
    expect(draft.seed).toBe(4242);
    expect(draft).not.toHaveProperty('unknown');
    expect(parseModelParams('ideogram-3', cleanDraft('ideogram-3', draft))).toMatchObject({ ok: true });
  });

  it('starts every form with an empty negative prompt and a Random seed', () => {
    expect(defaultsOf('ideogram-3')).toMatchObject({ negative_prompt: '' });
    expect(defaultsOf('ideogram-3-remix')).toMatchObject({ negative_prompt: '' });
    expect(defaultsOf('ideogram-3').seed).toBeUndefined();
    expect(defaultsOf('ideogram-4').seed).toBe(-1);
  });

  it("does not bring back the examples older versions filled in, as the user's last settings", () => {
    const restored = draftFrom(
      'ideogram-4',
      withoutOldExamples('ideogram-4', { prompt: 'A poster', seed: 123456, num_images: 2 }),
    );
    expect(restored).toMatchObject({ prompt: 'A poster', seed: -1, num_images: 2 });
    const v3 = withoutOldExamples('ideogram-3', {
      prompt: 'x',
      negative_prompt: 'No people, no animals.',
      seed: 123456,
    });
    expect(v3).toEqual({ prompt: 'x', seed: 123456 });
    expect(withoutOldExamples('ideogram-3', { negative_prompt: 'No cars' })).toEqual({
      negative_prompt: 'No cars',
    });
  });
});
