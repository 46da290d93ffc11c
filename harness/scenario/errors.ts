// Errors in user input: `file:line field.path: expected ..., got ...`, exit code 2 in the CLI.

export interface ScenarioIssue {
  file: string;
  /** 1-based; null when the position is unknown (e.g. a missing required key of the root). */
  line: number | null;
  /** Like network[2].loss; '' for the document itself. */
  path: string;
  message: string;
}

export function formatIssue(i: ScenarioIssue): string {
  const where = i.line === null ? i.file : `${i.file}:${i.line}`;
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];
  readonly exitCode = 2;
  override readonly name = 'ScenarioError';
  constructor(issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}

/** "got" part of a message: the value as the user wrote it. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

export function pathToString(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}
