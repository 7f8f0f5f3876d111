import { describe, expect, it } from 'vitest';
import { expandedPromptOf, normaliseOutputs, seedOf } from './output-normalizer.ts';

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(120, 7),
]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(120, 3)]);

describe('normaliseOutputs', () => {
  it('reads a URL string', () => {
    expect(normaliseOutputs({ status: 'COMPLETED', output: 'https://cdn.example.com/a.png' })).toEqual([
      { kind: 'url', url: 'https://cdn.example.com/a.png' },
    ]);
  });

  it('reads a list of URLs, once each', () => {
    const output = ['https://x.test/1.jpg', 'https://x.test/2.jpg', 'https://x.test/1.jpg'];
    expect(normaliseOutputs({ output }).map((s) => s.kind === 'url' && s.url)).toEqual([
      'https://x.test/1.jpg',
      'https://x.test/2.jpg',
    ]);
  });

  it('reads bare base64 and sniffs its type', () => {
    const [source] = normaliseOutputs({ output: jpeg.toString('base64') });
    expect(source).toEqual({ kind: 'bytes', bytes: jpeg, contentType: 'image/jpeg' });
  });

  it('reads data URIs', () => {
    const [source] = normaliseOutputs({ output: [`data:image/png;base64,${png.toString('base64')}`] });
    expect(source).toEqual({ kind: 'bytes', bytes: png, contentType: 'image/png' });
  });

  it('reads nested objects and ignores bookkeeping fields', () => {
    const body = {
      status: 'COMPLETED',
      request_id: 'abc',
      status_url: 'https://api.example.com/v2/requests/abc/status',
      prompt: 'https://looks-like-a-url.example.com in a prompt',
      output: { images: [{ url: 'https://x.test/a.png', seed: 5 }, { b64_json: png.toString('base64') }] },
    };
    const outputs = normaliseOutputs(body);
    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toEqual({ kind: 'url', url: 'https://x.test/a.png' });
    expect(outputs[1]?.kind).toBe('bytes');
  });

  it('finds images without an output key (Ideogram data[] shape) and leaves non-images alone', () => {
    const body = { data: [{ url: 'https://x.test/i.png', prompt: 'expanded words', seed: 42 }] };
    expect(normaliseOutputs(body)).toEqual([{ kind: 'url', url: 'https://x.test/i.png' }]);
    expect(expandedPromptOf(body)).toBe('expanded words');
    expect(seedOf(body)).toBe(42);
    expect(normaliseOutputs({ output: 'A'.repeat(200) })).toEqual([]);
    expect(normaliseOutputs({ output: 'not an image' })).toEqual([]);
    expect(normaliseOutputs(null)).toEqual([]);
  });
});
