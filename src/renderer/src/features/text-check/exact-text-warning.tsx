import { useCompose } from '../compose/compose-store.ts';
import { exactTextAdvice } from './exact-text.ts';
import './text-check.css';

function describe(preset: Record<string, unknown>): string {
  const speed = String(preset.rendering_speed);
  return preset.output_format ? `${speed}, as ${String(preset.output_format).toUpperCase()}` : speed;
}

/** Under the prompt: a warning when the quoted words may be rewritten, and the "Exact text" preset. */
export function ExactTextWarning() {
  const model = useCompose((state) => state.model);
  const draft = useCompose((state) => state.drafts[state.model]);
  const advice = exactTextAdvice(model, draft ?? {});
  // Only a real risk to the words is worth a nag: QUALITY alone costs more and is the user's call.
  if (!advice || advice.rewriter === null) return null;
  const apply = () => {
    const { setField } = useCompose.getState();
    for (const [name, value] of Object.entries(advice.preset)) setField(name, value);
  };
  return (
    <div className="exact-text-warning">
      <span id="exact-text-why">
        {advice.rewriter} is on: it may rewrite the words in quotes. “Exact text” turns it off and renders at{' '}
        {describe(advice.preset)}.
      </span>
      <button type="button" className="btn btn-small" aria-describedby="exact-text-why" onClick={apply}>
        Exact text
      </button>
    </div>
  );
}
