// Exit codes (DESIGN.md, README "Exit codes"): 0 all expectations held, 1 an expectation failed,
// 2 bad input or environment, 3 a run crashed.

export const EXIT_OK = 0;
export const EXIT_EXPECTATION_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_CRASHED = 3;

/** An error the user can fix (a flag, a file, a missing dependency): printed without a stack, exit 2. */
export class UserInputError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
}

/** Errors from the scenario parser, the algorithm loader and the CLI all mean "bad input" (exit 2). */
export function isUserInputError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { exitCode?: number; code?: string };
  return e.exitCode === EXIT_BAD_INPUT || e.code === 'BAD_INPUT' || e.name === 'ScenarioError' || e.code === 'ENOENT';
}
