/** Where an output image can be had: a temporary URL to download at once, or bytes already in hand. */
export type OutputSource =
  { kind: 'url'; url: string } | { kind: 'bytes'; bytes: Buffer; contentType: string | null };

/** Keys that carry request bookkeeping, never images: walking them would mistake a prompt for data. */
const metaKeys = new Set([
  'status',
  'metrics',
  'prompt',
  'expanded_prompt',
  'seed',
  'error',
  'id',
  'request_id',
  'status_url',
  'response_url',
  'poll_url',
  'created_at',
  'is_image_safe',
  'resolution',
  'style_type',
  'content_type',
  'mime_type',
]);
/** Keys that usually hold the image in the bodies seen from Segmind-hosted models. */
const imageKeys = [
  'output',
  'outputs',
  'images',
  'image',
  'url',
  'urls',
  'data',
  'b64_json',
  'base64',
  'uri',
  'file',
];
const MAX_DEPTH = 8;
const MIN_BASE64_CHARS = 64;

export function sniffImageType(bytes: Buffer): string | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && b.subarray(0, 4).toString() === 'RIFF' && b.subarray(8, 12).toString() === 'WEBP') {
    return 'image/webp';
  }
  if (b.length >= 6 && b.subarray(0, 4).toString() === 'GIF8') return 'image/gif';
  return null;
}

function fromString(raw: string): OutputSource | null {
  const value = raw.trim();
  if (/^https?:\/\//i.test(value)) {
    try {
      return { kind: 'url', url: new URL(value).href };
    } catch {
      return null;
    }
  }
  const dataUri = /^data:([\w/+.-]+)?(?:;[\w=-]+)*;base64,(.*)$/is.exec(value);
  if (dataUri) {
    const bytes = Buffer.from((dataUri[2] ?? '').replace(/\s+/g, ''), 'base64');
    const declared = dataUri[1]?.toLowerCase() ?? null;
    const contentType = declared?.startsWith('image/') ? declared : sniffImageType(bytes);
    return bytes.length > 0 && contentType ? { kind: 'bytes', bytes, contentType } : null;
  }
  const compact = value.replace(/\s+/g, '');
  if (compact.length >= MIN_BASE64_CHARS && /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    const bytes = Buffer.from(
      compact,
      compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64',
    );
    const contentType = sniffImageType(bytes);
    // Unrecognised base64 is more likely an id or a token than an image: leave it in `raw`.
    return contentType ? { kind: 'bytes', bytes, contentType } : null;
  }
  return null;
}

function walk(value: unknown, depth: number, out: OutputSource[]): void {
  if (depth > MAX_DEPTH || value === null || value === undefined) return;
  if (typeof value === 'string') {
    const source = fromString(value);
    if (source) out.push(source);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, depth + 1, out);
    return;
  }
  if (typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const known = imageKeys.filter((key) => key in record);
  const keys = known.length > 0 ? known : Object.keys(record).filter((key) => !metaKeys.has(key));
  for (const key of keys) walk(record[key], depth + 1, out);
}

/**
 * Finds every image in a result body, whatever shape the model uses: a URL, a list, base64, a data
 * URI, or objects holding those. Order is kept; repeated URLs count once.
 */
export function normaliseOutputs(body: unknown): OutputSource[] {
  const found: OutputSource[] = [];
  walk(body, 0, found);
  const seen = new Set<string>();
  return found.filter((source) => {
    if (source.kind !== 'url') return true;
    if (seen.has(source.url)) return false;
    seen.add(source.url);
    return true;
  });
}

function firstOf(body: unknown, keys: string[], depth = 0): unknown {
  if (depth > 3 || body === null || typeof body !== 'object') return undefined;
  if (Array.isArray(body)) {
    for (const item of body) {
      const found = firstOf(item, keys, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const record = body as Record<string, unknown>;
  for (const key of keys)
    if (record[key] !== undefined && typeof record[key] !== 'object') return record[key];
  for (const key of ['output', 'outputs', 'data', 'images']) {
    const found = firstOf(record[key], keys, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The prompt after magic prompt / expansion, when the model reports it. */
export function expandedPromptOf(body: unknown): string | undefined {
  const value = firstOf(body, ['expanded_prompt', 'prompt']);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function seedOf(body: unknown): number | undefined {
  const value = firstOf(body, ['seed']);
  const seed = typeof value === 'string' ? Number(value) : value;
  return typeof seed === 'number' && Number.isInteger(seed) ? seed : undefined;
}
