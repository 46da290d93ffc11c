// The P.1203 functions return exactly (bit for bit) what they returned before their speed-up (issue 3): on 400
// drawn cases (test/helpers/p1203-cases.ts) and 12 stored ten-minute simulated sessions, against the outputs
// recorded in test/fixtures/p1203-outputs.json by test/fixtures/record-p1203-outputs.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/cli/project.ts';
import { CASE_COUNT, runCase, runStoredSession, type CaseOutputs, type StoredSession } from '../helpers/p1203-cases.ts';

const fixture = JSON.parse(readFileSync(join(projectRoot, 'test', 'fixtures', 'p1203-outputs.json'), 'utf8')) as {
  cases: CaseOutputs[];
  sessions: (StoredSession & { expected: CaseOutputs })[];
};

describe('P.1203 outputs unchanged by the speed-up', () => {
  it('the fixture holds every drawn case', () => {
    expect(fixture.cases).toHaveLength(CASE_COUNT);
  });

  it('drawn cases: frame sampling, O.22, O.21, integration, stalling, direction changes, features, forest', () => {
    for (let i = 0; i < CASE_COUNT; i++) expect({ case: i, ...runCase(i) }).toEqual({ case: i, ...fixture.cases[i] });
  });

  it('stored simulated sessions: p1203Mos, p1203QualityMos, and O.46 with a random forest', () => {
    expect(fixture.sessions).toHaveLength(12);
    fixture.sessions.forEach((s, i) => expect({ session: s.name, ...runStoredSession(s, i) }).toEqual({ session: s.name, ...s.expected }));
  });
});
