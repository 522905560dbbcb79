import { expect } from 'vitest';
import type { Visitor } from './harness.ts';

/**
 * A concern as the form sends it, about an invented patient (the NHS number is in the never-issued
 * 999 range). Tests override the words they look for later, to find them, or not, in the database.
 */
export function concernForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    immediateRisk: 'no',
    subjectType: 'patient',
    subjectName: 'Zed Example',
    nhsNumber: '999 000 0018',
    dateOfBirth: '1990-01-02',
    narrative: 'Patient shared extremist material with other patients on the ward.',
    observedOn: '2026-11-20',
    observedTime: '10:00',
    location: 'Ward 3',
    ...overrides,
  };
}

/** The new case's id, from where raising a concern sends the person who raised it. */
export function raisedCaseId(location: unknown): string {
  const id = /\/concerns\/([0-9a-f-]{36})\/received/.exec(String(location))?.[1];
  if (!id) throw new Error(`no case id in ${String(location)}`);
  return id;
}

/** Raises a concern through the form, as `visitor`; the test fails if it is refused. */
export async function raiseConcern(visitor: Visitor, overrides: Record<string, string> = {}): Promise<string> {
  const raised = await visitor.post('/concerns', concernForm(overrides));
  expect(raised.statusCode).toBe(303);
  return raisedCaseId(raised.headers.location);
}
