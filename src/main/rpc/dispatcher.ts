import { AppError, describeIssues, issuesFromZod, type Envelope, type MethodDef } from '../../shared/rpc.ts';
import type { CallContext, HandlerMap } from './handler-map.ts';
import { createRateLimiter, type RateLimit } from './rate-limiter.ts';

export type Dispatch = (method: string, input: unknown, ctx: CallContext) => Promise<Envelope>;

export interface DispatcherOptions {
  /** Unexpected failures are logged here; the page only sees a generic 'internal' error. */
  logError?: (method: string, error: unknown) => void;
  /** Per-method call budgets for calls that are expensive for main. */
  rateLimits?: Record<string, RateLimit>;
  /** Named in the generic error, so the user knows where "the log" is. */
  logFile?: string | null;
  now?: () => number;
}

/**
 * The one gate every transport goes through: the method must exist, the input must parse with its
 * schema, and whatever the handler throws becomes a typed envelope. Nothing a page sends can crash main.
 */
export function createDispatcher<A extends Record<string, MethodDef>>(
  api: A,
  handlers: HandlerMap<A>,
  options: DispatcherOptions = {},
): Dispatch {
  const logError = options.logError ?? ((method, error) => console.error(`[rpc] ${method} failed:`, error));
  const limiter = createRateLimiter(options.rateLimits ?? {}, options.now);
  return async (method, input, ctx) => {
    if (typeof method !== 'string' || !Object.hasOwn(api, method)) {
      const shown = String(method).slice(0, 80);
      return { ok: false, error: { code: 'unknown_method', message: `Unknown method "${shown}".` } };
    }
    if (!limiter.take(method)) {
      return {
        ok: false,
        error: {
          code: 'rate_limited',
          message: 'Too many requests of this kind: wait a moment and try again.',
        },
      };
    }
    const parsed = api[method]!.input.safeParse(input);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      return { ok: false, error: { code: 'validation', message: describeIssues(issues), issues } };
    }
    try {
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (error) {
      if (error instanceof AppError) {
        return { ok: false, error: { code: error.code, message: error.message, issues: error.issues } };
      }
      logError(method, error);
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `Something went wrong in ${method}. Details are in the log${options.logFile ? ` (${options.logFile})` : ''}.`,
        },
      };
    }
  };
}
