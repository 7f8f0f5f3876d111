import { describe, expect, it } from 'vitest';
import { exactTextAdvice } from './exact-text.ts';

describe('exactTextAdvice', () => {
  it('says nothing for a prompt without quoted text', () => {
    expect(exactTextAdvice('ideogram-3', { prompt: 'a red fox' })).toBeNull();
  });

  it('warns that magic prompt may rewrite quoted words on 3.0, AUTO included', () => {
    const advice = exactTextAdvice('ideogram-3', { prompt: 'a sign "OPEN LATE"' });
    expect(advice).toEqual({
      rewriter: 'Magic prompt',
      preset: { magic_prompt: 'OFF', rendering_speed: 'QUALITY' },
      presetApplied: false,
    });
    expect(exactTextAdvice('ideogram-3-remix', { prompt: '"SALE"', magic_prompt: 'ON' })?.rewriter).toBe(
      'Magic prompt',
    );
  });

  it('warns about prompt expansion on 4.0 and offers QUALITY and PNG with it off', () => {
    const advice = exactTextAdvice('ideogram-4', { prompt: 'a poster "TOKYO"' });
    expect(advice?.rewriter).toBe('Prompt expansion');
    expect(advice?.preset).toEqual({
      enable_prompt_expansion: false,
      rendering_speed: 'QUALITY',
      output_format: 'png',
    });
    const applied = exactTextAdvice('ideogram-4', { prompt: '"TOKYO"', ...advice?.preset });
    expect(applied).toMatchObject({ rewriter: null, presetApplied: true });
  });
});
