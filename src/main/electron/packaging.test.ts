import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../shared/csp.ts';

// electron-builder cannot run here (it needs the Electron download), so its config is checked as data.
const root = join(import.meta.dirname, '../../..');
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('packaging config', () => {
  it('flips the fuses that close Electron side doors', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('builds installers for Linux, macOS and Windows from the built output', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe(pkg.productName);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
    expect(config.files).toContain('out/**');
    expect(pkg.main).toBe('./out/main/index.js');
    // Native modules cannot load from inside an asar archive.
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/@img/**']),
    );
  });

  it('ships an icon large enough for every platform', async () => {
    const meta = await sharp(join(root, config.linux.icon)).metadata();
    expect(meta.format).toBe('png');
    expect(Math.min(meta.width ?? 0, meta.height ?? 0)).toBeGreaterThanOrEqual(512);
  });

  it('keeps the page CSP in index.html equal to the one the hosts send', () => {
    const html = readFileSync(join(root, 'src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(contentSecurityPolicy);
    expect(contentSecurityPolicy).not.toMatch(/unsafe-(eval|inline)|https?:/);
  });
});
