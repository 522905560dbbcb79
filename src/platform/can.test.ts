import { describe, expect, it } from 'vitest';
import { organisationKinds } from '../modules/organisations/schema.ts';
import { canFor, type Holder, nobody } from './can.ts';
import { type Permission, permissions, permissionsOf, type roles } from './permissions.ts';

const holder = (held: Permission[], kind: Holder['activeOrg']['kind'] = 'nhs_foundation_trust', id = 'org-a'): Holder => ({
  permissions: new Set(held),
  activeOrg: { id, kind },
});

// A holder has permissions and an organisation, no roles: every rule below can only follow the table.
describe('can: the rules follow the permissions held, never a role’s name', () => {
  it('answers can(permission) from the permissions held', () => {
    const can = canFor(holder(['risks:read', 'ctlp:sign-off']));
    expect(can('ctlp:sign-off')).toBe(true);
    expect(can('risks:read')).toBe(true);
    expect(can('risks:edit')).toBe(false);
    for (const permission of permissions) expect(nobody(permission)).toBe(false);
  });

  it('makes a Prevent lead of cases whoever holds concerns:manage, and no one else', () => {
    expect(canFor(holder(['concerns:manage'])).leadCases).toBe(true);
    expect(canFor(holder(['concerns:work', 'lessons:review', 'concerns:exact-figures'])).leadCases).toBe(false);
  });

  it('reaches an ICB’s providers with organisations:commissioned at an ICB only', () => {
    for (const kind of organisationKinds) {
      expect(canFor(holder(['organisations:commissioned'], kind)).reachCommissionedProviders, kind).toBe(kind === 'icb');
      expect(canFor(holder(['organisations:region'], kind)).reachCommissionedProviders, kind).toBe(false);
    }
  });

  it('reaches a region’s organisations with organisations:region at a region only', () => {
    for (const kind of organisationKinds) {
      expect(canFor(holder(['organisations:region'], kind)).reachRegion, kind).toBe(kind === 'nhse_region');
      expect(canFor(holder(['organisations:commissioned'], kind)).reachRegion, kind).toBe(false);
    }
  });

  it('shows providers’ concern figures to whoever holds concerns:providers and reaches providers from where they act', () => {
    expect(canFor(holder(['concerns:providers', 'organisations:commissioned'], 'icb')).seeProvidersConcernFigures).toBe(true);
    expect(canFor(holder(['concerns:providers', 'organisations:region'], 'nhse_region')).seeProvidersConcernFigures).toBe(true);
    // Reaching providers is not enough (an ICB's administrator), nor is the permission without the reach.
    expect(canFor(holder(['organisations:commissioned'], 'icb')).seeProvidersConcernFigures).toBe(false);
    expect(canFor(holder(['concerns:providers'], 'icb')).seeProvidersConcernFigures).toBe(false);
    expect(canFor(holder(['concerns:providers', 'organisations:commissioned'], 'nhs_trust')).seeProvidersConcernFigures).toBe(
      false,
    );
  });

  it('acts for the active organisation only', () => {
    const can = canFor(holder(['policies:edit', 'learning:manage'], 'icb', 'icb-1'));
    expect(can.actFor('icb-1', 'policies:edit')).toBe(true);
    expect(can.actFor('icb-1', 'learning:manage')).toBe(true);
    expect(can.actFor('trust-2', 'policies:edit')).toBe(false);
    expect(can.actFor('icb-1', 'risks:edit')).toBe(false);
  });

  it('is built once for a user and shared by whoever asks during the request', () => {
    const user = holder(['concerns:work']);
    expect(canFor(user)).toBe(canFor(user));
    expect(canFor(holder(['concerns:work']))).not.toBe(canFor(user));
  });
});

describe('can: what each demo role gets from the table', () => {
  const rules = (role: (typeof roles)[number], kind: Holder['activeOrg']['kind']) => {
    const can = canFor({ permissions: permissionsOf([role]), activeOrg: { id: 'x', kind } });
    return {
      leadCases: can.leadCases,
      reachCommissionedProviders: can.reachCommissionedProviders,
      reachRegion: can.reachRegion,
      seeProvidersConcernFigures: can.seeProvidersConcernFigures,
      signOffCtlp: can('ctlp:sign-off'),
      exactConcernFigures: can('concerns:exact-figures'),
    };
  };
  const none = {
    leadCases: false,
    reachCommissionedProviders: false,
    reachRegion: false,
    seeProvidersConcernFigures: false,
    signOffCtlp: false,
    exactConcernFigures: false,
  };

  it('gives the decisions once taken by role name to the same roles as before, where they were taken', () => {
    const lead = { ...none, leadCases: true, exactConcernFigures: true };
    expect(rules('operational_lead', 'nhs_foundation_trust')).toEqual(lead);
    expect(rules('accountable_lead', 'nhs_foundation_trust')).toEqual({ ...lead, signOffCtlp: true });
    expect(rules('commissioner_lead', 'icb')).toEqual({
      ...none,
      reachCommissionedProviders: true,
      seeProvidersConcernFigures: true,
    });
    expect(rules('system_admin', 'icb')).toEqual({ ...none, reachCommissionedProviders: true });
    expect(rules('regional_lead', 'nhse_region')).toEqual({ ...none, reachRegion: true, seeProvidersConcernFigures: true });
    for (const role of ['staff', 'safeguarding_practitioner', 'training_admin', 'board_viewer'] as const) {
      expect(rules(role, 'nhs_foundation_trust'), role).toEqual(none);
    }
    // A commissioner's or regional lead's role held elsewhere reaches nothing beyond its own organisation.
    expect(rules('commissioner_lead', 'nhse_region')).toEqual(none);
    expect(rules('regional_lead', 'icb')).toEqual(none);
    expect(rules('system_admin', 'nhse_region')).toEqual(none);
  });
});
