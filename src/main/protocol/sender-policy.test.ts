import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './sender-policy.ts';

const trusted = new Set([7]);

describe('IPC sender policy', () => {
  it('trusts only our window, in its main frame, on our origin', () => {
    expect(
      isTrustedSender({ contentsId: 7, frameUrl: 'studio://app/index.html', isMainFrame: true }, trusted),
    ).toBe(true);
  });

  it('refuses other windows, iframes, foreign origins and vanished frames', () => {
    const cases = [
      { contentsId: 8, frameUrl: 'studio://app/index.html', isMainFrame: true },
      { contentsId: 7, frameUrl: 'studio://app/index.html', isMainFrame: false },
      { contentsId: 7, frameUrl: 'https://evil.example/', isMainFrame: true },
      { contentsId: 7, frameUrl: 'studio://app.evil/index.html', isMainFrame: true },
      { contentsId: 7, frameUrl: 'file:///etc/passwd', isMainFrame: true },
      { contentsId: 7, frameUrl: null, isMainFrame: true },
      { contentsId: 7, frameUrl: 'not a url', isMainFrame: true },
    ];
    for (const facts of cases) expect(isTrustedSender(facts, trusted), JSON.stringify(facts)).toBe(false);
  });

  it('trusts the dev server only when the app was started in dev mode', () => {
    const facts = { contentsId: 7, frameUrl: 'http://localhost:5173/', isMainFrame: true };
    expect(isTrustedSender(facts, trusted)).toBe(false);
    expect(isTrustedSender(facts, trusted, 'http://localhost:5173')).toBe(true);
    expect(
      isTrustedSender({ ...facts, frameUrl: 'http://localhost:5174/' }, trusted, 'http://localhost:5173'),
    ).toBe(false);
  });
});
