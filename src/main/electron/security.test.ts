import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../protocol/sender-policy.ts';
import { rendererDevUrl } from './dev-server.ts';
import { setupSecurity, type SecurityDeps } from './security.ts';
import { mainWindowOptions, rendererEntryUrl } from './window-options.ts';

// Stand-ins for Electron's app, session and a window's web contents: plain emitters with the few
// methods the security setup calls, so the policy is tested in Node where Electron cannot run.

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  /** Emits an event the way Electron does, and says whether a listener prevented it. */
  attempt(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

function shell(env: NodeJS.ProcessEnv, isPackaged: boolean) {
  const app = Object.assign(new EventEmitter(), { whenReady: () => Promise.resolve(), isPackaged });
  const permissions: {
    request?: (c: unknown, p: string, cb: (ok: boolean) => void) => void;
    check?: () => boolean;
  } = {};
  const opened: string[] = [];
  const devServerUrl = rendererDevUrl(app, env);
  const dispose = setupSecurity({
    app: app as unknown as SecurityDeps['app'],
    session: () =>
      ({
        setPermissionRequestHandler: (handler: typeof permissions.request) => (permissions.request = handler),
        setPermissionCheckHandler: (handler: typeof permissions.check) => (permissions.check = handler),
      }) as unknown as ReturnType<SecurityDeps['session']>,
    openExternal: (url) => opened.push(url),
    devServerUrl,
  });
  const window = new FakeContents();
  app.emit('web-contents-created', {}, window);
  return { app, window, permissions, opened, dispose, devServerUrl };
}

const devEnv = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };

describe('the Electron shell security setup', () => {
  it('refuses navigation and redirects away from the app', () => {
    const { window } = shell({}, true);
    expect(window.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(window.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(window.attempt('will-redirect', 'http://127.0.0.1:9999/')).toBe(true);
    expect(window.attempt('will-navigate', 'studio://app/index.html')).toBe(false);
  });

  it('refuses new windows, sending only http(s) links to the browser', () => {
    const { window, opened } = shell({}, true);
    expect(window.openHandler!({ url: 'https://segmind.com/pricing' })).toEqual({ action: 'deny' });
    expect(window.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(window.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://segmind.com/pricing']);
  });

  it('refuses webviews and every permission', async () => {
    const { window, permissions } = shell({}, true);
    expect(window.attempt('will-attach-webview', {}, {})).toBe(true);
    await Promise.resolve();
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      permissions.request!({}, permission, (ok) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false]);
    expect(permissions.check!()).toBe(false);
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app: not loaded, not navigable, no IPC', () => {
    const { window, devServerUrl } = shell({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true);
    expect(devServerUrl).toBeNull();
    expect(rendererEntryUrl(devServerUrl)).toBe('studio://app/index.html');
    expect(window.attempt('will-navigate', 'http://localhost:5173/')).toBe(true);
    const facts = { contentsId: 1, frameUrl: 'http://localhost:5173/', isMainFrame: true };
    expect(isTrustedSender(facts, new Set([1]), devServerUrl ?? undefined)).toBe(false);
  });

  it('trusts the dev server only unpackaged, only on loopback http, only its own origin', () => {
    const { window, devServerUrl } = shell(devEnv, false);
    expect(rendererEntryUrl(devServerUrl)).toBe('http://localhost:5173');
    expect(window.attempt('will-navigate', 'http://localhost:5173/index.html')).toBe(false);
    expect(window.attempt('will-navigate', 'http://localhost:5174/')).toBe(true);
    for (const url of [
      'https://evil.example',
      'http://192.168.1.9:5173',
      'file:///tmp/x.html',
      'not a url',
    ]) {
      expect(rendererDevUrl({ isPackaged: false }, { ELECTRON_RENDERER_URL: url })).toBeNull();
    }
  });

  it('stops watching new web contents once disposed', () => {
    const { app, dispose } = shell({}, true);
    dispose();
    const late = new FakeContents();
    app.emit('web-contents-created', {}, late);
    expect(late.attempt('will-navigate', 'https://evil.example/')).toBe(false);
    expect(late.openHandler).toBeNull();
  });

  it('opens windows sandboxed, isolated, without Node or webviews', () => {
    const options = mainWindowOptions({ width: 800, height: 600 }, '/app/preload.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });
});
