import type { Access, Permission } from './permissions.ts';

type NavigationItem = { text: string; href: string; access: Access };

/** The header's navigation: each item shows only to those whose role carries its permission. */
const items: NavigationItem[] = [
  { text: 'Home', href: '/', access: 'signed-in' },
  { text: 'Providers', href: '/providers', access: 'providers:read' },
  { text: 'Prevent leads', href: '/leads', access: 'leads:read' },
  { text: 'Contacts', href: '/contacts', access: 'contacts:read' },
  { text: 'Work programme', href: '/programme', access: 'programme:read' },
  { text: 'Policies', href: '/policies', access: 'policies:read' },
  { text: 'Organisations', href: '/organisations', access: 'organisations:read' },
  { text: 'Users', href: '/users', access: 'users:manage' },
  { text: 'Audit trail', href: '/audit', access: 'audit:read' },
];

export function navigationFor(held: Set<Permission>, currentPath: string) {
  return items
    .filter((item) => item.access === 'signed-in' || item.access === 'public' || held.has(item.access))
    .map((item) => ({
      text: item.text,
      href: item.href,
      current: item.href === '/' ? currentPath === '/' : currentPath === item.href || currentPath.startsWith(`${item.href}/`),
    }));
}
