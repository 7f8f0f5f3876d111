import { describe, expect, it } from 'vitest';
import { oncePerRevision } from './once-per-revision.ts';

interface FilterChoices {
  tags: string[];
  collections: string[];
}

describe('oncePerRevision', () => {
  it('fetches once per revision however many ask, and again when the revision moves', async () => {
    let fetches = 0;
    const at = oncePerRevision(async (): Promise<FilterChoices> => {
      fetches += 1;
      return { tags: [`tag-${fetches}`], collections: [] };
    });
    const [toolbar, bulk] = await Promise.all([at(1), at(1)]);
    expect(fetches).toBe(1);
    expect(bulk).toBe(toolbar);
    expect((await at(2)).tags).toEqual(['tag-2']);
    expect(fetches).toBe(2);
  });

  it('tries again at the next revision after a failed fetch', async () => {
    let fail = true;
    const at = oncePerRevision(async (): Promise<FilterChoices> => {
      if (fail) throw new Error('offline');
      return { tags: ['kept'], collections: [] };
    });
    await expect(at(1)).rejects.toThrow('offline');
    fail = false;
    expect((await at(2)).tags).toEqual(['kept']);
  });
});
