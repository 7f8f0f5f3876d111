import { palettePresets, type FieldMeta } from '../../shared/models/index.ts';

/**
 * A file's cell text as the value of one parameter, read the way the model's form field holds it:
 * numbers for numeric fields, true/false for switches, the enum's own spelling for a choice typed in
 * another case, lists for style codes and references. An empty cell leaves the parameter out (its
 * default applies, or a seed is drawn). Text that does not read as the field's kind is passed on
 * as it is, so the model's schema names what is allowed in its own words.
 */
export function cellValue(field: FieldMeta, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return field.name === 'prompt' ? '' : undefined;
  switch (field.widget) {
    case 'number':
    case 'slider':
    case 'seed': {
      const number = Number(trimmed);
      return Number.isFinite(number) ? number : trimmed;
    }
    case 'switch':
      return booleanOf(trimmed);
    case 'select':
    case 'segmented': {
      const choices = choicesOf(field);
      return choices.get(trimmed) ?? choices.get(choiceKey(trimmed)) ?? trimmed;
    }
    case 'palette':
      return paletteOf(trimmed);
    case 'style-codes':
    case 'images':
      return listOf(trimmed);
    case 'image':
      return trimmed;
    default:
      // Prompts keep their own spacing: a designer's line break can matter.
      return text;
  }
}

/**
 * A field's choices by their own spelling and by choiceKey's, made once per field: every cell of a
 * 10,000-row file used to put each of the field's options through choiceKey's regular expressions.
 */
const choiceTables = new WeakMap<FieldMeta, Map<string, string>>();
function choicesOf(field: FieldMeta): Map<string, string> {
  let choices = choiceTables.get(field);
  if (!choices) {
    choices = new Map();
    // The first option of a key wins, as a search of the list would find it; an option's own
    // spelling always finds that option.
    for (const option of field.options ?? []) {
      const key = choiceKey(option.value);
      if (!choices.has(key)) choices.set(key, option.value);
    }
    for (const option of field.options ?? []) choices.set(option.value, option.value);
    choiceTables.set(field, choices);
  }
  return choices;
}

/**
 * A choice as people write it in a spreadsheet: any case, `16:9`, `16 x 9` or `16×9` for the API's
 * `16x9`, `1024 × 1024` for `1024x1024`, `portrait 4:3` for `portrait_4_3`.
 */
function choiceKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/(?<=\d)\s*[x×:*/]\s*(?=\d)/g, ' ')
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

function booleanOf(text: string): unknown {
  const lower = text.toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(lower)) return true;
  if (['false', 'no', 'off', '0'].includes(lower)) return false;
  return text;
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A preset's name (any case), or the palette's JSON as the API takes it. */
function paletteOf(text: string): unknown {
  if (text.startsWith('{')) return jsonOr(text);
  const preset = palettePresets.find((name) => name.toLowerCase() === text.toLowerCase());
  return { name: preset ?? text };
}

/** A JSON list, or values separated by commas, semicolons or spaces. */
function listOf(text: string): unknown {
  if (text.startsWith('[')) return jsonOr(text);
  return text.split(/[\s,;]+/).filter(Boolean);
}
