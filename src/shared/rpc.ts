import { z } from 'zod';

/**
 * The building blocks of the IPC contract. A method is a pair of zod schemas; a feature's API is a
 * record of methods named '<feature>:<verb>'. Main parses every input with `input` before a handler
 * runs; the renderer gets `output`'s type.
 */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

export function defineMethod<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodDef<I, O> {
  return { input, output };
}

export type MethodInput<M extends MethodDef> = z.input<M['input']>;
export type MethodOutput<M extends MethodDef> = z.output<M['output']>;

/** Codes every transport can carry. The renderer decides what to show from the code, not the text. */
export const errorCodes = [
  'validation', // the payload does not match the method's schema
  'unknown_method',
  'forbidden', // the sender is not one of ours
  'not_found',
  'conflict', // the action does not fit the current state (e.g. retry a running job)
  'unsupported_file', // a dropped or imported file is not an image we accept
  'too_large',
  'rate_limited',
  'unavailable', // a dependency (network, disk) cannot serve now
  'internal',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const RpcIssue = z.object({ path: z.string(), message: z.string() });
export type RpcIssue = z.infer<typeof RpcIssue>;

export const RpcError = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(RpcIssue).optional(),
});
export type RpcError = z.infer<typeof RpcError>;

/** Errors lose their class across IPC, so every answer travels as an envelope. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: RpcError };

/** Thrown by main-side services for failures the user can act on; mapped 1:1 into an envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: RpcIssue[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: RpcIssue[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
  }
}

/** zod issues -> messages that name the field, for forms and error toasts alike. */
export function issuesFromZod(error: z.ZodError): RpcIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

export function describeIssues(issues: RpcIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
