/**
 * Hostile and malformed inputs for the IPC fuzz test, drawn from a seeded generator so a failure can
 * be replayed: wrong types, huge and deep values, prototype keys, traversal and injection strings.
 */
const strings = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'local:' + 'a'.repeat(64),
  'local:../../x',
  'data:image/png;base64,AAAA',
  'javascript:alert(1)',
  'http://169.254.169.254/latest/meta-data',
  '\u0000',
  '%2e%2e%2f',
  "'; DROP TABLE images; --",
  '"quoted" * OR NEAR(',
  '🎨'.repeat(50),
  'x'.repeat(70_000),
];
const keys = [
  '__proto__',
  'constructor',
  'prototype',
  'id',
  'ids',
  'model',
  'params',
  'prompt',
  'query',
  'limit',
  'cursor',
  'files',
  'key',
  'name',
  'path',
];

export function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 7 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return [0, -1, 1e308, -0, 2 ** 53 + 1, Number.NaN, 3.5, 999_999_999][Math.floor(random() * 8)];
    case 3:
      return random() < 0.5;
    case 4:
    case 5:
      return strings[Math.floor(random() * strings.length)];
    case 6:
      return String(Math.floor(random() * 1e9));
    case 7:
      return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      const count = Math.floor(random() * 5);
      for (let i = 0; i < count; i++) {
        Object.defineProperty(object, keys[Math.floor(random() * keys.length)]!, {
          value: randomValue(random, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return object;
    }
  }
}

/** Mostly random values; now and then a structure nested deeper than any schema expects. */
export function fuzzPayload(random: () => number): unknown {
  if (random() < 0.05) {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5_000; i++) deep = { params: deep };
    return deep;
  }
  return randomValue(random);
}
