import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  showDataFolder(): void;
  showLog(): void;
  openUrl(url: string): void;
  about(): void;
}

export interface MenuFacts {
  platform: NodeJS.Platform;
  /** Reload and developer tools are for `npm run dev`, not for a designer's installed app. */
  isPackaged: boolean;
  appName: string;
}

const helpUrls = {
  website: 'https://www.segmind.com',
  docs: 'https://docs.segmind.com',
};

/**
 * The application menu, as data (tested in Node; app-menu.ts hands it to Electron). Platform roles
 * give each OS its own conventions (the app menu and Cmd+Q on macOS, File > Quit elsewhere; Edit's
 * shortcuts that text fields in the page rely on); the Help menu reaches what support asks for.
 */
export function menuTemplate(facts: MenuFacts, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = facts.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(facts.isPackaged
      ? []
      : ([
          { role: 'reload' },
          { role: 'forceReload' },
          { role: 'toggleDevTools' },
          { type: 'separator' },
        ] as const)),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [
          {
            label: facts.appName,
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Show Data Folder', click: () => actions.showDataFolder() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Segmind Website', click: () => actions.openUrl(helpUrls.website) },
        { label: 'Segmind Documentation', click: () => actions.openUrl(helpUrls.docs) },
        { type: 'separator' },
        { label: 'Show Log File', click: () => actions.showLog() },
        ...(mac
          ? []
          : ([
              { type: 'separator' },
              { label: `About ${facts.appName}`, click: () => actions.about() },
            ] as const)),
      ],
    },
  ];
}
