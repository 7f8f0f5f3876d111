import { create } from 'zustand';
import { modelIds, models, parseModelParams, type ModelId } from '../../../../shared/models/index.ts';
import { cleanDraft, defaultsOf, draftFrom, withoutOldExamples, type Draft } from './draft.ts';
import { call } from '../../bridge/api.ts';
import { fieldIssuesOf, messageOf } from '../../lib/errors.ts';
import { useSettings } from '../settings/settings-store.ts';
import { confirmWorstCase, untilRightRequest } from '../text-check/until-right-store.ts';

interface ComposeState {
  model: ModelId;
  drafts: Record<ModelId, Draft>;
  /** Field name -> message, from client-side parsing or the host's answer. */
  errors: Record<string, string>;
  submitting: boolean;
  /** A failure that belongs to no single field. */
  submitError: string | null;
  /** Bumped when a field should take focus (the first field with an error). */
  focusField: { name: string; n: number } | null;
  setModel(model: ModelId): void;
  setField(name: string, value: unknown): void;
  setFields(patch: Draft): void;
  /** Replace a model's form with given parameters ("use these settings"). */
  useSettingsOf(model: ModelId, params: Draft): void;
  resetModel(): void;
  generate(): Promise<boolean>;
}

function initialDrafts(): Record<ModelId, Draft> {
  return Object.fromEntries(modelIds.map((id) => [id, defaultsOf(id)])) as Record<ModelId, Draft>;
}

export const useCompose = create<ComposeState>()((set, get) => ({
  model: 'ideogram-3',
  drafts: initialDrafts(),
  errors: {},
  submitting: false,
  submitError: null,
  focusField: null,
  setModel(model) {
    set({ model, errors: {}, submitError: null });
  },
  setField(name, value) {
    const { model, drafts, errors } = get();
    const rest = { ...errors };
    delete rest[name];
    set({
      drafts: { ...drafts, [model]: { ...drafts[model], [name]: value } },
      errors: rest,
      submitError: null,
    });
  },
  setFields(patch) {
    const { model, drafts, errors } = get();
    const rest = { ...errors };
    for (const name of Object.keys(patch)) delete rest[name];
    set({ drafts: { ...drafts, [model]: { ...drafts[model], ...patch } }, errors: rest, submitError: null });
  },
  useSettingsOf(model, params) {
    set({
      model,
      drafts: { ...get().drafts, [model]: draftFrom(model, params) },
      errors: {},
      submitError: null,
    });
  },
  resetModel() {
    const { model, drafts } = get();
    set({ drafts: { ...drafts, [model]: defaultsOf(model) }, errors: {}, submitError: null });
  },
  async generate() {
    const { model, drafts, submitting } = get();
    if (submitting) return false;
    const params = cleanDraft(model, drafts[model] ?? {});
    const parsed = parseModelParams(model, params);
    if (!parsed.ok) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.issues) {
        const name = issue.path.split('.')[0] || 'prompt';
        errors[name] ??= issue.message;
      }
      const first = models[model].fields.find((field) => errors[field.name])?.name ?? 'prompt';
      set({ errors, focusField: { name: first, n: (get().focusField?.n ?? 0) + 1 } });
      return false;
    }
    // "Until it's right" may make every retry: the worst case is what the threshold is asked about.
    const untilRight = untilRightRequest(parsed.params);
    if (untilRight && !(await confirmWorstCase(model, parsed.params, untilRight.retries))) return false;
    set({ submitting: true, submitError: null });
    try {
      await call('jobs:create', { model, params, ...(untilRight ? { untilRight } : {}) });
      await remember(model, params);
      return true;
    } catch (error) {
      const errors = fieldIssuesOf(error);
      set({ errors, submitError: Object.keys(errors).length ? null : messageOf(error) });
      return false;
    } finally {
      set({ submitting: false });
    }
  },
}));

/** Last settings per model and the prompt history live in main's settings, so they survive restarts. */
async function remember(model: ModelId, params: Draft): Promise<void> {
  const settings = useSettings.getState().settings;
  if (!settings) return;
  const prompt = typeof params.prompt === 'string' ? params.prompt.trim() : '';
  const history = prompt
    ? [prompt, ...settings.promptHistory.filter((entry) => entry !== prompt)].slice(0, 100)
    : settings.promptHistory;
  try {
    await useSettings.getState().update({
      lastParams: { ...settings.lastParams, [model]: params },
      promptHistory: history,
    });
  } catch {
    // Remembering is a convenience: the job is already queued, so a failure here is not the user's problem.
  }
}

/** Restore each model's last settings once settings arrive (only for forms the user has not touched). */
export function restoreLastParams(lastParams: Record<string, Record<string, unknown>>): void {
  const drafts = { ...useCompose.getState().drafts };
  for (const id of modelIds) {
    const last = lastParams[id];
    const untouched = JSON.stringify(drafts[id]) === JSON.stringify(defaultsOf(id));
    if (last && untouched) drafts[id] = draftFrom(id, withoutOldExamples(id, last));
  }
  useCompose.setState({ drafts });
}
