import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { paramWith } from './form-fields.ts';
import {
  aspectRatios,
  drawSeed,
  getModel,
  imageCountParamOf,
  imageParamsOf,
  imageSizes,
  isRandomSeed,
  MAX_PROMPT_CHARS,
  priceTierOf,
  seedParamOf,
  withDrawnSeed,
  isLocalImageRef,
  localImageRef,
  modelIds,
  models,
  palettePresets,
  parseModelParams,
  resolutions,
  sha256FromLocalRef,
} from './index.ts';
import type { ModelId } from './index.ts';

const sha = 'a'.repeat(64);
const base: Record<ModelId, Record<string, unknown>> = {
  'ideogram-3': { prompt: 'A lighthouse' },
  'ideogram-3-remix': { prompt: 'A lighthouse', image: 'https://example.com/a.png' },
  'ideogram-4': { prompt: 'A poster reading "OPEN"' },
};

function issuesFor(model: ModelId, extra: Record<string, unknown>) {
  const result = parseModelParams(model, { ...base[model], ...extra });
  return result.ok ? [] : result.issues;
}

function expectRejected(model: ModelId, extra: Record<string, unknown>, field: string, allowed: RegExp) {
  const issues = issuesFor(model, extra);
  const issue = issues.find((i) => i.path === field || i.path.startsWith(`${field}.`));
  expect(issue, `${model} ${JSON.stringify(extra)} -> ${JSON.stringify(issues)}`).toBeDefined();
  expect(issue?.message.startsWith(`${issue?.path}:`)).toBe(true);
  expect(issue?.message).toMatch(allowed);
}

describe('model registry', () => {
  it('lists the three models, one spec each, with slug equal to id', () => {
    expect(modelIds).toEqual(['ideogram-3', 'ideogram-3-remix', 'ideogram-4']);
    for (const id of modelIds) {
      expect(getModel(id).id).toBe(id);
      expect(getModel(id).slug).toBe(id);
    }
    expect(models['ideogram-4'].label).toBe('Ideogram 4.0');
    expect(models['ideogram-3-remix'].kind).toBe('image-to-image');
  });

  it('derives the form from the schema: one field per parameter, bounds and defaults its own', () => {
    for (const id of modelIds) {
      const spec = getModel(id);
      expect(spec.fields.map((field) => field.name)).toEqual(Object.keys(spec.schema.shape));
      for (const field of spec.fields) expect(field.label && field.help && field.group).toBeTruthy();
      // Only the main prompt box is called "Prompt": people and tests find it by that name.
      const promptLike = spec.fields.filter((field) => /prompt/i.test(field.label));
      expect(promptLike.map((field) => field.name)).toEqual(['prompt']);
      expect(spec.fields.find((field) => field.name === 'prompt')?.required).toBe(true);
    }
    const v4 = getModel('ideogram-4').fields.find((field) => field.name === 'num_images');
    expect(v4).toMatchObject({ min: 1, max: 8, default: 1, required: false });
    const weight = getModel('ideogram-3-remix').fields.find((field) => field.name === 'image_weight');
    expect(weight).toMatchObject({ min: 1, max: 100, default: 50, widget: 'slider' });
    const speed = getModel('ideogram-3').fields.find((field) => field.name === 'rendering_speed');
    expect(speed?.options).toEqual([
      { value: 'TURBO', label: 'Turbo' },
      { value: 'DEFAULT', label: 'Default' },
      { value: 'QUALITY', label: 'Quality' },
    ]);
  });

  it('carries the full enums: 69 resolutions, 15 aspect ratios, 8 palettes, 6 image sizes', () => {
    expect(resolutions).toHaveLength(69);
    expect(aspectRatios).toHaveLength(15);
    expect(palettePresets).toHaveLength(8);
    expect(imageSizes).toHaveLength(6);
    const resolutionField = models['ideogram-3'].fields.find((f) => f.name === 'resolution');
    expect(resolutionField?.options).toHaveLength(69);
  });
});

describe('every enum value is accepted', () => {
  const enumCases: [ModelId[], string, readonly string[]][] = [
    [['ideogram-3', 'ideogram-3-remix'], 'resolution', resolutions],
    [['ideogram-3', 'ideogram-3-remix'], 'aspect_ratio', aspectRatios],
    [['ideogram-3', 'ideogram-3-remix'], 'magic_prompt', ['AUTO', 'ON', 'OFF']],
    [['ideogram-3', 'ideogram-3-remix'], 'rendering_speed', ['TURBO', 'DEFAULT', 'QUALITY']],
    [['ideogram-3', 'ideogram-3-remix'], 'style_type', ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN']],
    [['ideogram-4'], 'image_size', imageSizes],
    [['ideogram-4'], 'rendering_speed', ['TURBO', 'BALANCED', 'QUALITY']],
    [['ideogram-4'], 'output_format', ['jpeg', 'png']],
  ];
  for (const [ids, field, values] of enumCases) {
    for (const id of ids) {
      it(`${id} ${field}: all ${values.length} values`, () => {
        for (const value of values) {
          const result = parseModelParams(id, { ...base[id], [field]: value });
          expect(result.ok, `${field}=${value}`).toBe(true);
        }
        const field_ = getModel(id).fields.find((f) => f.name === field);
        expect(field_?.options?.map((o) => o.value)).toEqual([...values]);
      });
    }
  }

  it('accepts every palette preset and member palettes', () => {
    for (const name of palettePresets) {
      expect(parseModelParams('ideogram-3', { prompt: 'x', color_palette: { name } }).ok).toBe(true);
    }
    const members = [
      { color_hex: '#FF0000', color_weight: 1 },
      { color_hex: '#00ff00', color_weight: 0.05 },
      { color_hex: '#0000FF' },
    ];
    expect(
      parseModelParams('ideogram-3-remix', { ...base['ideogram-3-remix'], color_palette: { members } }).ok,
    ).toBe(true);
  });
});

describe('defaults', () => {
  it('fills the real defaults, starts free text empty and the seed random', () => {
    const v3 = parseModelParams('ideogram-3', { prompt: 'x' });
    expect(v3).toEqual({
      ok: true,
      params: {
        prompt: 'x',
        // Sent explicitly empty: the page's "No people, no animals." is a playground example.
        negative_prompt: '',
        magic_prompt: 'AUTO',
        rendering_speed: 'DEFAULT',
        style_codes: [],
        style_type: 'GENERAL',
        resolution: '1024x1024',
      },
    });
    const remix = parseModelParams('ideogram-3-remix', base['ideogram-3-remix']);
    expect(remix.ok && remix.params).toMatchObject({
      image_weight: 50,
      style_reference_images: [],
      negative_prompt: '',
    });
    expect(remix.ok && remix.params.seed).toBeUndefined();
    const v4 = parseModelParams('ideogram-4', { prompt: 'x' });
    expect(v4.ok && v4.params).toEqual({
      prompt: 'x',
      enable_prompt_expansion: true,
      enable_safety_checker: true,
      image_size: 'square_hd',
      num_images: 1,
      output_format: 'jpeg',
      rendering_speed: 'QUALITY',
      // -1 is the model's "random"; the app replaces it with a seed it draws (withDrawnSeed).
      seed: -1,
    });
  });

  it('gives every form an empty negative prompt and a Random seed, with no sample text anywhere', () => {
    const samples = ['No people', 'No buildings', '123456', '6522'];
    for (const id of modelIds) {
      const fields = getModel(id).fields;
      const seed = fields.find((field) => field.widget === 'seed');
      expect(seed?.seed).toBeDefined();
      expect(isRandomSeed(seed!.seed!, seed?.default)).toBe(true);
      const negative = fields.find((field) => field.name === 'negative_prompt');
      if (negative) expect(negative.default).toBe('');
      const text = JSON.stringify(fields.map((field) => field.default));
      for (const sample of samples) expect(text).not.toContain(sample);
    }
  });

  it('does not add the default resolution when an aspect ratio is given', () => {
    const result = parseModelParams('ideogram-3', { prompt: 'x', aspect_ratio: '16x9' });
    expect(result.ok && result.params.resolution).toBeUndefined();
    expect(result.ok && models['ideogram-3'].outputSize(result.params)).toEqual({ width: 1312, height: 736 });
  });
});

describe('out-of-range values are rejected with a message naming the field', () => {
  it.each([
    ['ideogram-3', { seed: 99 }, 'seed', /100 to 999999/],
    ['ideogram-3', { seed: 1_000_000 }, 'seed', /100 to 999999/],
    ['ideogram-3', { seed: -1 }, 'seed', /100 to 999999/],
    ['ideogram-3', { seed: 500.5 }, 'seed', /integer/],
    ['ideogram-4', { seed: 99 }, 'seed', /100 to 999999, or -1/],
    [
      'ideogram-4',
      { prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) },
      'prompt',
      /at most 10,000 characters \(this one has 10,001\)/,
    ],
    [
      'ideogram-3',
      { negative_prompt: 'n'.repeat(MAX_PROMPT_CHARS + 1) },
      'negative_prompt',
      /at most 10,000/,
    ],
    ['ideogram-4', { num_images: 0 }, 'num_images', /1 to 8/],
    ['ideogram-4', { num_images: 9 }, 'num_images', /1 to 8/],
    ['ideogram-3-remix', { image_weight: 0 }, 'image_weight', /1 to 100/],
    ['ideogram-3-remix', { image_weight: 101 }, 'image_weight', /1 to 100/],
    ['ideogram-3', { resolution: '1000x1000' }, 'resolution', /one of the 69/],
    ['ideogram-3', { aspect_ratio: '7x5' }, 'aspect_ratio', /1x3, 3x1/],
    ['ideogram-3', { rendering_speed: 'BALANCED' }, 'rendering_speed', /TURBO, DEFAULT, QUALITY/],
    ['ideogram-4', { rendering_speed: 'DEFAULT' }, 'rendering_speed', /TURBO, BALANCED, QUALITY/],
    ['ideogram-4', { output_format: 'webp' }, 'output_format', /jpeg, png/],
    ['ideogram-4', { image_size: 'huge' }, 'image_size', /square_hd/],
    ['ideogram-4', { enable_safety_checker: 'yes' }, 'enable_safety_checker', /true or false/],
    ['ideogram-3', { prompt: '   ' }, 'prompt', /required/],
    ['ideogram-3', { style_codes: ['12345678', 'XYZ12345'] }, 'style_codes', /8 hexadecimal/],
    ['ideogram-3', { style_codes: ['1234567'] }, 'style_codes', /8 hexadecimal/],
    ['ideogram-3', { color_palette: { name: 'NEON' } }, 'color_palette', /EMBER/],
    [
      'ideogram-3',
      { color_palette: { members: [{ color_hex: '#fff', color_weight: 0.5 }] } },
      'color_palette',
      /hex colour/,
    ],
    [
      'ideogram-3',
      { color_palette: { members: [{ color_hex: '#ffffff', color_weight: 0.01 }] } },
      'color_palette',
      /0.05 to 1.0/,
    ],
    [
      'ideogram-3',
      { color_palette: { members: [{ color_hex: '#ffffff', color_weight: 1.5 }] } },
      'color_palette',
      /0.05 to 1.0/,
    ],
    [
      'ideogram-3',
      { color_palette: { name: 'EMBER', members: [{ color_hex: '#ffffff' }] } },
      'color_palette',
      /not both/,
    ],
    ['ideogram-3', { color_palette: {} }, 'color_palette', /preset name or members/],
    [
      'ideogram-3',
      { aspect_ratio: '1x1', resolution: '1024x1024' },
      'aspect_ratio',
      /not be sent together with resolution/,
    ],
    ['ideogram-3', { num_images: 2 }, 'num_images', /not a parameter/],
    ['ideogram-3-remix', { image: 'ftp://x/y.png' }, 'image', /http\(s\) URL/],
    ['ideogram-3-remix', { image: 'data:image/gif;base64,R0lGOD' }, 'image', /png\|jpeg\|webp/],
    ['ideogram-3-remix', { image: 'local:ABC' }, 'image', /local:<sha256>/],
    ['ideogram-3-remix', { style_reference_images: ['nope'] }, 'style_reference_images', /URL/],
  ] as const)('%s %j -> %s', (model, extra, field, allowed) => {
    expectRejected(model, extra, field, allowed);
  });

  it('rejects a remix without its image, and data URIs over 10 MB', () => {
    expectRejected('ideogram-3-remix', { image: undefined }, 'image', /URL/);
    const big = `data:image/png;base64,${'A'.repeat(Math.ceil((10 * 1024 * 1024 + 10) / 3) * 4)}`;
    expectRejected('ideogram-3-remix', { image: big }, 'image', /at most 10 MB/);
  });

  it('limits the inline style references to 10 MB in total', () => {
    const six = `data:image/jpeg;base64,${'A'.repeat(Math.ceil((6 * 1024 * 1024) / 3) * 4)}`;
    expect(issuesFor('ideogram-3-remix', { style_reference_images: [six] })).toEqual([]);
    expectRejected(
      'ideogram-3-remix',
      { style_reference_images: [six, six] },
      'style_reference_images',
      /10 MB in total/,
    );
  });
});

describe('image references', () => {
  it('accepts URLs, small data URIs and local refs', () => {
    for (const image of [
      'https://cdn.example.com/a.jpeg',
      'data:image/webp;base64,UklGRg==',
      localImageRef(sha),
    ]) {
      expect(issuesFor('ideogram-3-remix', { image, style_reference_images: [image] })).toEqual([]);
    }
  });

  it('round-trips local refs', () => {
    expect(isLocalImageRef(`local:${sha}`)).toBe(true);
    expect(isLocalImageRef(`local:${sha.toUpperCase()}`)).toBe(false);
    expect(sha256FromLocalRef(localImageRef(sha))).toBe(sha);
    expect(sha256FromLocalRef('https://x')).toBeNull();
    expect(() => localImageRef('xyz')).toThrow();
  });
});

describe('derived numbers', () => {
  it('expects the seed pages times, scaled by speed', () => {
    const v3 = models['ideogram-3'];
    expect(v3.expectedSeconds({ rendering_speed: 'DEFAULT' })).toBeCloseTo(10.29);
    expect(v3.expectedSeconds({ rendering_speed: 'TURBO' })).toBeLessThan(10.29);
    expect(v3.expectedSeconds({ rendering_speed: 'QUALITY' })).toBeGreaterThan(10.29);
    expect(models['ideogram-3-remix'].expectedSeconds({ rendering_speed: 'DEFAULT' })).toBeCloseTo(10.54);
    expect(models['ideogram-4'].expectedSeconds({ rendering_speed: 'QUALITY', num_images: 1 })).toBeCloseTo(
      16.94,
    );
  });

  it('counts images and sizes them', () => {
    expect(models['ideogram-4'].imageCount({ num_images: 4 })).toBe(4);
    expect(models['ideogram-3'].imageCount({})).toBe(1);
    expect(models['ideogram-3'].outputSize({ resolution: '1536x640' })).toEqual({ width: 1536, height: 640 });
    expect(models['ideogram-4'].outputSize({ image_size: 'square_hd' })).toEqual({
      width: 2048,
      height: 2048,
    });
    expect(models['ideogram-4'].outputSize({ image_size: 'landscape_16_9' })).toEqual({
      width: 2048,
      height: 1152,
    });
  });
});

describe('parameter roles come from the schema', () => {
  it('names the seed, the image parameters, the image count and the price tier of each model', () => {
    expect(seedParamOf(getModel('ideogram-3'))).toEqual({
      name: 'seed',
      rule: { min: 100, max: 999_999, random: 'omit' },
    });
    expect(seedParamOf(getModel('ideogram-4'))?.rule.random).toBe(-1);
    expect(imageParamsOf(getModel('ideogram-3-remix'))).toEqual([
      { name: 'image', kind: 'one' },
      { name: 'style_reference_images', kind: 'list' },
    ]);
    expect(imageParamsOf(getModel('ideogram-3'))).toEqual([]);
    expect(imageCountParamOf(getModel('ideogram-4'))?.name).toBe('num_images');
    expect(imageCountParamOf(getModel('ideogram-3'))).toBeUndefined();
    expect(priceTierOf(getModel('ideogram-4'), {})).toBe('QUALITY');
    expect(priceTierOf(getModel('ideogram-3'), { rendering_speed: 'TURBO' })).toBe('TURBO');
  });

  it("remembers each schema's answer apart from every other schema's, absent roles included", () => {
    const rule = { min: 1, max: 9, random: 'omit' as const };
    const a = z.object({ x: z.number().meta({ seed: rule }), y: z.string() });
    const b = z.object({ x: z.number(), y: z.number().meta({ seed: { ...rule, max: 99 } }) });
    for (let ask = 0; ask < 2; ask++) {
      expect(paramWith(a, 'seed')).toMatchObject({ name: 'x', meta: rule });
      expect(paramWith(b, 'seed')).toMatchObject({ name: 'y', meta: { max: 99 } });
      expect(paramWith(a, 'priceTier')).toBeUndefined();
    }
    // The same answer each time, not a new walk over the fields.
    expect(paramWith(a, 'seed')).toBe(paramWith(a, 'seed'));
  });

  it('draws a Random seed in range and keeps a locked one', () => {
    let state = 7;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (const id of modelIds) {
      const spec = getModel(id);
      const rule = seedParamOf(spec)!.rule;
      const randomValue = rule.random === 'omit' ? undefined : rule.random;
      const drawn = withDrawnSeed(spec, { prompt: 'x', seed: randomValue }, random).seed as number;
      expect(Number.isInteger(drawn) && drawn >= 100 && drawn <= 999_999).toBe(true);
      expect(withDrawnSeed(spec, { prompt: 'x', seed: 4242 }, random).seed).toBe(4242);
    }
    expect(drawSeed({ min: 100, max: 999_999, random: 'omit' }, () => 0)).toBe(100);
    expect(drawSeed({ min: 100, max: 999_999, random: 'omit' }, () => 0.9999999)).toBe(999_999);
  });
});
