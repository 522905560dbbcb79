/* The imports an organisation has run, and each one's error report: what the import pages read. */
import type { Db } from '../../../db/client.ts';
import { withScope } from '../../../db/tenancy.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { csvCell } from '../../../platform/csv.ts';
import { NotFoundError } from '../../../platform/errors.ts';
import * as repository from './repository.ts';
import type { ImportError, RowProblem, TrainingImport } from './service.ts';

export async function recentImports(db: Db, ctx: RequestContext): Promise<TrainingImport[]> {
  return withScope(db, ctx.scope, (tx) => repository.recentImports(tx, ctx.user.activeOrg.id, 20));
}

export async function importOf(db: Db, ctx: RequestContext, id: string): Promise<TrainingImport> {
  const found = await withScope(db, ctx.scope, (tx) => repository.importById(tx, ctx.user.activeOrg.id, id));
  if (!found) throw new NotFoundError('import');
  return found;
}

export type ImportPage = { trainingImport: TrainingImport; errors: ImportError[]; shownErrors: number };

/** The import and the first `limit` rows of its error report. */
export async function importPage(db: Db, ctx: RequestContext, id: string, limit = 500): Promise<ImportPage> {
  const orgId = ctx.user.activeOrg.id;
  return withScope(db, ctx.scope, async (tx) => {
    const trainingImport = await repository.importById(tx, orgId, id);
    if (!trainingImport) throw new NotFoundError('import');
    const errors = trainingImport.errorCount > 0 ? await repository.errorsOf(tx, orgId, id, 0, limit) : [];
    return { trainingImport, errors, shownErrors: errors.length };
  });
}

/** The whole stored error report as CSV, a page at a time. */
export async function* errorReportCsv(db: Db, ctx: RequestContext, id: string): AsyncGenerator<string> {
  const orgId = ctx.user.activeOrg.id;
  await importOf(db, ctx, id);
  yield 'Line,Column,Value,Problem\r\n';
  let after = 0;
  for (;;) {
    const page = await withScope(db, ctx.scope, (tx) => repository.errorsOf(tx, orgId, id, after, 1000));
    if (page.length === 0) return;
    yield `${page.map((e) => [String(e.line), e.column, e.value, e.message].map(csvCell).join(',')).join('\r\n')}\r\n`;
    after = page[page.length - 1]?.seq ?? after;
  }
}

/** For the command line: an error as one line. */
export function describeProblem(problem: Pick<RowProblem, 'line' | 'column' | 'value' | 'message'>): string {
  return `line ${problem.line}, ${problem.column}: ${problem.message} (value "${problem.value}")`;
}
