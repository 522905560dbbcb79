import type { Db } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import * as programme from './service.ts';

/* What the item form shows: its choices, and the values of an item being edited. */

const areaItems = (selected?: unknown) => [
  { value: '', text: 'Choose a part of the standard' },
  ...programme.programmeAreas.map((area) => ({
    value: area,
    text: programme.areaNames[area],
    selected: area === selected,
  })),
];

const statusItems = (selected?: unknown) =>
  programme.itemStatuses.map((status) => ({
    value: status,
    text: programme.statusNames[status],
    checked: status === (selected || 'not_started'),
  }));

/** Form rows for evidence links: those held, and two more to add (up to the limit). */
function evidenceRows(values: Record<string, unknown>, held: number): { label: unknown; url: unknown }[] {
  let rows = Math.min(programme.maxEvidenceLinks, Math.max(held + 2, 2));
  for (let i = 0; i < programme.maxEvidenceLinks; i++) {
    if (`evidence${i}Label` in values || `evidence${i}Url` in values) rows = Math.max(rows, i + 1);
  }
  return Array.from({ length: rows }, (_, i) => ({ label: values[`evidence${i}Label`], url: values[`evidence${i}Url`] }));
}

export function valuesOfItem(item: programme.Item): Record<string, unknown> {
  const values: Record<string, unknown> = {
    title: item.title,
    area: item.area,
    ownerUserId: item.ownerUserId ?? '',
    ownerName: item.ownerName ?? '',
    dueOn: item.dueOn ?? '',
    status: item.status,
    notes: item.notes ?? '',
  };
  item.evidence.forEach((link, i) => {
    values[`evidence${i}Label`] = link.label;
    values[`evidence${i}Url`] = link.url;
  });
  return values;
}

export async function itemFormData(
  db: Db,
  ctx: RequestContext,
  values: Record<string, unknown>,
  held: number,
  formerOwner?: { id: string; name: string },
) {
  const owners = await programme.ownerChoices(db, ctx);
  if (formerOwner && !owners.some((o) => o.id === formerOwner.id)) {
    owners.push({ id: formerOwner.id, name: `${formerOwner.name} (no longer has a role here)` });
  }
  return {
    values,
    areas: areaItems(values.area),
    statuses: statusItems(values.status),
    owners: [
      { value: '', text: 'Nobody chosen' },
      ...owners.map((o) => ({ value: o.id, text: o.name, selected: o.id === values.ownerUserId })),
    ],
    evidenceRows: evidenceRows(values, held),
  };
}
