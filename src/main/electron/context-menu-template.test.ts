import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { contextMenuTemplate, type ContextFacts } from './context-menu-template.ts';

const allowed = {
  canUndo: true,
  canRedo: false,
  canCut: true,
  canCopy: true,
  canPaste: true,
  canSelectAll: true,
};
const none = {
  canUndo: false,
  canRedo: false,
  canCut: false,
  canCopy: false,
  canPaste: false,
  canSelectAll: false,
};

function build(facts: Partial<ContextFacts>) {
  const calls: string[] = [];
  const menu = contextMenuTemplate(
    {
      isEditable: false,
      selectionText: '',
      misspelledWord: '',
      dictionarySuggestions: [],
      editFlags: none,
      ...facts,
    },
    {
      replaceMisspelling: (word) => calls.push(`replace ${word}`),
      addToDictionary: (word) => calls.push(`add ${word}`),
    },
  );
  return { menu, calls };
}

const editCommands = ['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'separator', 'selectAll'];
const shape = (menu: MenuItemConstructorOptions[]) =>
  menu.map((item) => item.role ?? item.label ?? item.type).map(String);
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();

describe('the right-click menu', () => {
  it('puts a flagged word’s fixes first in the prompt, then the edit commands', () => {
    const { menu, calls } = build({
      isEditable: true,
      misspelledWord: 'SUMER',
      dictionarySuggestions: ['SUMMER', 'SUMMERS', 'SUPER', 'SUMMED', 'SUMO', 'SURER', 'SOMBER'],
      editFlags: allowed,
    });
    expect(shape(menu)).toEqual([
      'SUMMER',
      'SUMMERS',
      'SUPER',
      'SUMMED',
      'SUMO',
      'Add “SUMER” to the dictionary',
      'separator',
      ...editCommands,
    ]);
    click(menu[0]);
    click(menu[5]);
    expect(calls).toEqual(['replace SUMMER', 'add SUMER']);
    // Each command is offered as the field allows it now.
    expect(menu.find((item) => item.role === 'redo')?.enabled).toBe(false);
    expect(menu.find((item) => item.role === 'paste')?.enabled).toBe(true);
  });

  it('says when a flagged word has no suggestion, and still lets it be learned', () => {
    const { menu, calls } = build({ isEditable: true, misspelledWord: 'Qzxv', editFlags: allowed });
    expect(menu[0]).toMatchObject({ label: 'No spelling suggestions', enabled: false });
    click(menu[1]);
    expect(calls).toEqual(['add Qzxv']);
  });

  it('offers only edit commands in a field with no flagged word, greyed where they cannot act', () => {
    const { menu } = build({ isEditable: true, editFlags: none });
    expect(shape(menu)).toEqual(editCommands);
    expect(menu.filter((item) => item.role).every((item) => item.enabled === false)).toBe(true);
  });

  it('offers Copy for selected text on the page, and no menu where there is nothing to act on', () => {
    expect(shape(build({ selectionText: 'FIRST LIGHT', editFlags: allowed }).menu)).toEqual(['copy']);
    expect(build({ selectionText: '  ', editFlags: allowed }).menu).toEqual([]);
    // A misspelling outside a field (text the page shows) is not the user's to fix.
    expect(build({ misspelledWord: 'SUMER', dictionarySuggestions: ['SUMMER'] }).menu).toEqual([]);
  });
});
