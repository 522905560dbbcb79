import type { Access, Permission } from './permissions.ts';

type NavigationItem = { text: string; href: string; access: Access };

/** The header's navigation: each item shows only to those whose role carries its permission. */
const items: NavigationItem[] = [
  { text: 'Home', href: '/', access: 'signed-in' },
  // Any member of staff, from every page: noticing and sharing a concern must never be hard to find.
  { text: 'Raise a concern', href: '/concerns/new', access: 'signed-in' },
  { text: 'Concerns', href: '/concerns', access: 'concerns:work' },
  { text: 'Concern figures', href: '/concerns/summary', access: 'concerns:counts' },
  { text: 'My training', href: '/training/mine', access: 'signed-in' },
  { text: 'Training', href: '/training', access: 'training:compliance' },
  { text: 'Providers’ training', href: '/training/providers', access: 'training:providers' },
  { text: 'Providers', href: '/providers', access: 'providers:read' },
  { text: 'Contracts', href: '/contracts', access: 'contracts:read' },
  { text: 'Providers’ assurance', href: '/assurance/providers', access: 'assurance:providers' },
  { text: 'Region’s assurance', href: '/assurance/region', access: 'assurance:region' },
  { text: 'Prevent leads', href: '/leads', access: 'leads:read' },
  { text: 'Contacts', href: '/contacts', access: 'contacts:read' },
  { text: 'Partnership', href: '/partnership', access: 'partnership:read' },
  { text: 'Information requests', href: '/information-requests', access: 'requests:manage' },
  { text: 'Development', href: '/development', access: 'development:read' },
  { text: 'Work programme', href: '/programme', access: 'programme:read' },
  { text: 'Risks', href: '/risks', access: 'risks:read' },
  { text: 'Lessons learned', href: '/lessons', access: 'lessons:review' },
  { text: 'Learning group', href: '/learning', access: 'learning:read' },
  { text: 'Regional learning', href: '/learning/region', access: 'learning:region' },
  { text: 'Policies', href: '/policies', access: 'policies:read' },
  { text: 'Self-assessment', href: '/assurance', access: 'assessment:read' },
  { text: 'Providers’ assessments', href: '/assurance/submissions', access: 'assessment:review' },
  { text: 'Reports', href: '/reports', access: 'reports:read' },
  { text: 'Providers’ reports', href: '/reports/providers', access: 'reports:providers' },
  { text: 'CQC evidence', href: '/evidence', access: 'evidence:read' },
  { text: 'Organisations', href: '/organisations', access: 'organisations:read' },
  { text: 'Users', href: '/users', access: 'users:manage' },
  { text: 'Audit trail', href: '/audit', access: 'audit:read' },
  { text: 'API tokens', href: '/api-tokens', access: 'api-tokens:manage' },
];

export function navigationFor(held: Set<Permission>, currentPath: string) {
  const shown = items.filter((item) => item.access === 'signed-in' || item.access === 'public' || held.has(item.access));
  const matches = (href: string) =>
    href === '/' ? currentPath === '/' : currentPath === href || currentPath.startsWith(`${href}/`);
  // The most specific match is current: /concerns/new is "Raise a concern", not "Concerns".
  const current = shown.filter((item) => matches(item.href)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return shown.map((item) => ({ text: item.text, href: item.href, current: item.href === current }));
}
