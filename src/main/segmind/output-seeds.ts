/**
 * Which seed made which image. Servers say it three ways: per image beside its URL (Ideogram's own
 * `data: [{url, seed}]`), once for the request (`seed` next to a list of URLs), or not at all.
 */

const listKeys = ['output', 'outputs', 'images', 'data', 'results'];
const MAX_DEPTH = 4;

function asSeed(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function findPerImage(body: unknown, count: number, depth: number): (number | undefined)[] | undefined {
  if (depth > MAX_DEPTH || body === null || typeof body !== 'object') return undefined;
  if (Array.isArray(body)) {
    if (body.length !== count || !body.every((item) => item !== null && typeof item === 'object'))
      return undefined;
    const seeds = body.map((item) => asSeed((item as Record<string, unknown>).seed));
    return seeds.some((seed) => seed !== undefined) ? seeds : undefined;
  }
  const record = body as Record<string, unknown>;
  const listed = Array.isArray(record.seeds) ? record.seeds.map(asSeed) : undefined;
  if (listed && listed.length === count && listed.every((seed) => seed !== undefined)) return listed;
  for (const key of listKeys) {
    const found = findPerImage(record[key], count, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Each output's own seed, in output order, when the body reports seeds per image; else undefined. */
export function seedsPerOutput(body: unknown, count: number): (number | undefined)[] | undefined {
  return count > 0 ? findPerImage(body, count, 0) : undefined;
}

/**
 * The seed to store for one image: its own when the server gave one, else the server's seed for the
 * request, else the seed the app sent. With several images and no word from the server, only the
 * first is known to come from the sent seed; the others are stored without one rather than wrongly.
 */
export function seedForImage(
  result: { seeds?: (number | undefined)[] | undefined; seed?: number | undefined; outputs: unknown[] },
  sentSeed: unknown,
  index: number,
): number | null {
  const own = result.seeds?.[index];
  if (own !== undefined) return own;
  if (result.seed !== undefined) return result.seed;
  const sent = asSeed(sentSeed);
  if (sent === undefined || sent < 0) return null;
  return index === 0 || result.outputs.length === 1 ? sent : null;
}
