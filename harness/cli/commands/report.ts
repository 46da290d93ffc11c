// `netqoe report results.json`: rebuild the HTML report and JUnit XML without rerunning.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeReports } from '../../../reports/write-reports.ts';
import type { ResultsFile } from '../../run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../run/types.ts';
import { UserInputError } from '../exit-codes.ts';

/** Without opts.layout, the layout the results were made with (results.layout; 'run' for files without it). */
export function reportCommand(file: string, opts: { out?: string; layout?: 'run' | 'compare' }): number {
  let results: ResultsFile;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  } catch (err) {
    throw new UserInputError(`${file}: expected a netqoe results.json, ${(err as Error).message}`);
  }
  if (results?.schemaVersion !== RESULTS_SCHEMA_VERSION || !Array.isArray(results.runs)) {
    throw new UserInputError(
      `${file} schemaVersion: expected ${RESULTS_SCHEMA_VERSION} with a runs list, got ${JSON.stringify(results?.schemaVersion)}`,
    );
  }
  const written = writeReports(results, resolve(opts.out ?? dirname(file)), { layout: opts.layout ?? recordedLayout(results) });
  process.stdout.write(`report: ${written.html}\njunit:  ${written.junit}\n`);
  return 0;
}

function recordedLayout(results: ResultsFile): 'run' | 'compare' {
  return results.layout === 'compare' ? 'compare' : 'run';
}
