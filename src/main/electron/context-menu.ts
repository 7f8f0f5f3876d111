import { Menu, type BrowserWindow } from 'electron';
import { contextMenuTemplate } from './context-menu-template.ts';

/** Right-click in the window: spelling fixes and edit commands (Electron shows no menu of its own). */
export function setupContextMenu(window: BrowserWindow): void {
  const contents = window.webContents;
  contents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, {
      replaceMisspelling: (word) => contents.replaceMisspelling(word),
      addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
    });
    if (template.length > 0) Menu.buildFromTemplate(template).popup({ window });
  });
}
