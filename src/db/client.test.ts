import { sql } from 'drizzle-orm';
import { expect, inject, it } from 'vitest';
import { detachedEmptyDatabase } from '../../test/databases.ts';

const template = inject('template');

it.skipIf(template.kind !== 'server')(
  'outlives the server ending an idle connection: a warning, not a crash, and the next query runs',
  async () => {
    const target = await detachedEmptyDatabase(template);
    const database = await target.open();
    const admin = await target.open();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const pid = (await database.db.execute(sql`select pg_backend_pid() as pid`)) as unknown as { rows: { pid: number }[] };
      await admin.db.execute(sql`select pg_terminate_backend(${pid.rows[0]?.pid})`);
      await expect.poll(() => warnings.join(' ')).toContain('A database connection was closed by the server');
      const after = (await database.db.execute(sql`select 1 as one`)) as unknown as { rows: { one: number }[] };
      expect(after.rows[0]?.one).toBe(1);
    } finally {
      process.off('warning', onWarning);
      await admin.close();
      await database.close();
      await target.remove();
    }
  },
);
