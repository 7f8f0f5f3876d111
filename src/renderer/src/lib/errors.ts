import { StudioError } from '../bridge/api.ts';

/** One sentence for a toast or an inline message, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof StudioError) {
    const detail = error.issues.map((issue) => issue.message).join('; ');
    return detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Field name -> first message, from a StudioError's issues (paths like "params.seed" or "seed"). */
export function fieldIssuesOf(error: unknown): Record<string, string> {
  if (!(error instanceof StudioError)) return {};
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.replace(/^params\./, '');
    const field = path.split('.')[0] ?? '';
    if (field && !out[field]) out[field] = issue.message;
  }
  return out;
}
