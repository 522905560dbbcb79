import type { Db } from './client.ts';

/** Placeholder: written after the test, to see it fail first. */
export async function sealPlainText(_db: Db): Promise<number> {
  return 0;
}
