import { Menu } from 'electron';
import { menuTemplate, type MenuActions, type MenuFacts } from './menu-template.ts';

/** Sets the application menu; the disposer takes it down again. */
export function setupAppMenu(facts: MenuFacts, actions: MenuActions): () => void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(facts, actions)));
  return () => Menu.setApplicationMenu(null);
}
