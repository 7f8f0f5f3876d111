import type { MenuItemConstructorOptions } from 'electron';

/** What Electron's context-menu event says about the place the user right-clicked (its ContextMenuParams). */
export interface ContextFacts {
  isEditable: boolean;
  selectionText: string;
  /** The word under the pointer the spellchecker flagged, or ''. */
  misspelledWord: string;
  dictionarySuggestions: string[];
  editFlags: {
    canUndo: boolean;
    canRedo: boolean;
    canCut: boolean;
    canCopy: boolean;
    canPaste: boolean;
    canSelectAll: boolean;
  };
}

export interface ContextActions {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
}

/** More than this many suggestions is a list to read, not a fix to pick. */
const MAX_SUGGESTIONS = 5;

/**
 * The right-click menu, as data (tested in Node; context-menu.ts pops it up). A word in the prompt
 * that Ideogram will spell exactly as typed is the costliest typo there is, so a flagged word's
 * suggestions come first, then the edit commands a text field is expected to have. Roles do the
 * editing, on whatever element has focus. Empty where there is nothing to offer: no menu then.
 */
export function contextMenuTemplate(
  facts: ContextFacts,
  actions: ContextActions,
): MenuItemConstructorOptions[] {
  const { editFlags: can } = facts;
  const spelling: MenuItemConstructorOptions[] =
    facts.isEditable && facts.misspelledWord
      ? [
          ...(facts.dictionarySuggestions.length > 0
            ? facts.dictionarySuggestions.slice(0, MAX_SUGGESTIONS).map((word) => ({
                label: word,
                click: () => actions.replaceMisspelling(word),
              }))
            : [{ label: 'No spelling suggestions', enabled: false }]),
          {
            label: `Add “${facts.misspelledWord}” to the dictionary`,
            click: () => actions.addToDictionary(facts.misspelledWord),
          },
          { type: 'separator' },
        ]
      : [];
  if (facts.isEditable) {
    return [
      ...spelling,
      { role: 'undo', enabled: can.canUndo },
      { role: 'redo', enabled: can.canRedo },
      { type: 'separator' },
      { role: 'cut', enabled: can.canCut },
      { role: 'copy', enabled: can.canCopy },
      { role: 'paste', enabled: can.canPaste },
      { type: 'separator' },
      { role: 'selectAll', enabled: can.canSelectAll },
    ];
  }
  return facts.selectionText.trim() !== '' ? [{ role: 'copy', enabled: can.canCopy }] : [];
}
