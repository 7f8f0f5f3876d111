import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, type MenuActions } from './menu-template.ts';

function build(platform: NodeJS.Platform, isPackaged: boolean) {
  const calls: string[] = [];
  const actions: MenuActions = {
    showDataFolder: () => calls.push('data folder'),
    showLog: () => calls.push('log'),
    openUrl: (url) => calls.push(url),
    about: () => calls.push('about'),
  };
  return { menu: menuTemplate({ platform, isPackaged, appName: 'Ideogram Studio' }, actions), calls };
}

const submenu = (item: MenuItemConstructorOptions | undefined) =>
  (item?.submenu ?? []) as MenuItemConstructorOptions[];
const find = (menu: MenuItemConstructorOptions[], label: string) =>
  menu.find((item) => item.label === label || item.role === label);
const roles = (items: MenuItemConstructorOptions[]) => items.map((item) => item.role).filter(Boolean);

describe('the application menu', () => {
  it('on macOS: an app menu with About and Quit, File closes the window', () => {
    const { menu } = build('darwin', true);
    expect(menu[0]!.label).toBe('Ideogram Studio');
    expect(roles(submenu(menu[0]))).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(roles(submenu(find(menu, 'File')))).toEqual(['close']);
  });

  it('on Windows and Linux: File ends with Quit, About is under Help', () => {
    const { menu, calls } = build('win32', true);
    expect(menu[0]!.label).toBe('File');
    expect(roles(submenu(find(menu, 'File')))).toEqual(['quit']);
    const about = submenu(find(menu, 'help')).find((item) => item.label === 'About Ideogram Studio');
    (about!.click as () => void)();
    expect(calls).toEqual(['about']);
  });

  it('keeps reload and developer tools out of an installed app', () => {
    expect(roles(submenu(find(build('linux', true).menu, 'View')))).not.toContain('toggleDevTools');
    expect(roles(submenu(find(build('linux', true).menu, 'View')))).not.toContain('reload');
    expect(roles(submenu(find(build('linux', false).menu, 'View')))).toContain('toggleDevTools');
  });

  it('has the edit shortcuts text fields need and Help items that do what they say', () => {
    const { menu, calls } = build('linux', true);
    expect(find(menu, 'editMenu')).toBeTruthy();
    expect(find(menu, 'windowMenu')).toBeTruthy();
    for (const item of [...submenu(find(menu, 'help')), ...submenu(find(menu, 'File'))]) {
      if (typeof item.click === 'function') (item.click as () => void)();
    }
    expect(calls).toEqual([
      'https://www.segmind.com',
      'https://docs.segmind.com',
      'log',
      'about',
      'data folder',
    ]);
  });
});
