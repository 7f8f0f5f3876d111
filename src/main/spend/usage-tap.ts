import { SegmindError, type SegmindClient, type UsageHeaders } from '../segmind/index.ts';

/**
 * A client that reports the credit headers of every answer it reads (x-remaining-credits on a submit,
 * a result, or a 406 refusal) to `onUsage`, so the balance follows the jobs without extra calls. It
 * changes nothing else: same calls, same answers, same errors.
 */
export function tapUsage(client: SegmindClient, onUsage: (usage: UsageHeaders) => void): SegmindClient {
  async function tapped<T>(call: Promise<T>): Promise<T> {
    try {
      const answer = await call;
      const usage = (answer as { usage?: UsageHeaders }).usage;
      if (usage) onUsage(usage);
      return answer;
    } catch (error) {
      if (error instanceof SegmindError && error.usage) onUsage(error.usage);
      throw error;
    }
  }
  return {
    ...client,
    submit: (model, params, options) => tapped(client.submit(model, params, options)),
    result: (url, options) => tapped(client.result(url, options)),
    runSync: (model, params, options) => tapped(client.runSync(model, params, options)),
    status: (url, options) => tapped(client.status(url, options)),
  };
}
