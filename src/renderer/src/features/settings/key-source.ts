import type { KeyStatus } from '../../../../shared/api/app.ts';

/** Where the key in use comes from, in one or two sentences, for Settings and the banner. */
export function keySourceText(key: KeyStatus | null): string {
  if (!key?.set) return 'No key yet: images come from the built-in simulator.';
  const last4 = key.last4 ?? '????';
  if (key.source === 'env') {
    return `The key in use ends in ${last4} and comes from the SEGMIND_API_KEY environment variable. A key saved here is used instead.`;
  }
  const kept = key.source === 'session' ? 'saved here for this session' : 'saved here';
  const env =
    key.envLast4 !== null
      ? ` SEGMIND_API_KEY (ending in ${key.envLast4}) is set too, but the saved key wins; remove it to use that one.`
      : '';
  return `The key in use ends in ${last4}, ${kept}.${env}`;
}
