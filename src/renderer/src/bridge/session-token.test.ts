import { describe, expect, it } from 'vitest';
import { takeSessionToken, type TokenPlace } from './session-token.ts';

function place(hash: string, stored: Record<string, string> = {}) {
  const replaced: string[] = [];
  const storage = new Map(Object.entries(stored));
  const where: TokenPlace = {
    location: { hash, pathname: '/', search: '' },
    history: { state: null, replaceState: (_state, _title, url) => void replaced.push(String(url)) },
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
    },
  };
  return { where, replaced, storage };
}

describe('the browser-mode token', () => {
  it('moves from the fragment into session storage and out of the address bar', () => {
    const { where, replaced, storage } = place('#token=abc%2Bdef');
    expect(takeSessionToken(where)).toBe('abc+def');
    expect(replaced).toEqual(['/']);
    expect([...storage.values()]).toEqual(['abc+def']);
  });

  it('comes back from session storage after a reload, and is null when never given', () => {
    const { where, replaced } = place('', { 'ideogram-studio-token': 'kept' });
    expect(takeSessionToken(where)).toBe('kept');
    expect(replaced).toEqual([]);
    expect(takeSessionToken(place('#other=1').where)).toBeNull();
  });

  it('works for this page load when storage refuses it', () => {
    const { where } = place('#token=t1');
    where.storage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    expect(takeSessionToken(where)).toBe('t1');
  });
});
