import { InputError } from '../src/platform/errors.ts';

/** What a thrown InputError says, by field; the test fails if the work is not refused as bad input. */
export async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error.fieldErrors;
    throw error;
  }
  throw new Error('expected bad input to be refused');
}

/** The database's own message: Drizzle wraps it in "Failed query: …" with the original as the cause. */
export async function databaseRefusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'no error';
}
