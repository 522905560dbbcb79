import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modules } from './app.ts';
import { informationRequestsSection } from './modules/information-requests/routes.ts';
import { lessonsSection } from './modules/lessons/routes.ts';
import { reminderSourcesOf } from './modules/notifications/service.ts';
import { patientRecordSection } from './modules/patient-record/routes.ts';
import { referralSection } from './modules/referrals/routes.ts';
import { retentionSection } from './modules/retention/routes.ts';
import { sharingSection } from './modules/sharing/routes.ts';
import { jobHandlersOf } from './platform/jobs/runner.ts';

const modulesDir = path.resolve(import.meta.dirname, 'modules');

describe('the module list', () => {
  const list = modules();

  it('names every module under src/modules once, each by its manifest', () => {
    const folders = fs.readdirSync(modulesDir, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const folder of folders) {
      expect(fs.existsSync(path.join(modulesDir, folder.name, 'manifest.ts')), `${folder.name}/manifest.ts`).toBe(true);
    }
    const names = list.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(folders.map((f) => f.name)));
  });

  it('gives every job kind and reminder source one owner', () => {
    expect(() => jobHandlersOf(list)).not.toThrow();
    expect(() => reminderSourcesOf(list)).not.toThrow();
    expect(() => jobHandlersOf([...list, list.find((m) => m.name === 'leads') ?? { name: 'none' }])).toThrow(
      /leads.changed has two handlers/,
    );
  });

  it('puts the case page’s sections in the protocol’s order', () => {
    const sections = list.flatMap((m) => (m.caseSection ? [m.caseSection] : []));
    expect(sections).toEqual([
      patientRecordSection,
      sharingSection,
      referralSection,
      informationRequestsSection,
      retentionSection,
      lessonsSection,
    ]);
  });
});
