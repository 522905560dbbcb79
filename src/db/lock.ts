import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite takes no lock of its own: two processes opening one data directory corrupt it.
 * Every process that opens the embedded database holds this lock file first.
 */
export class DataDirectoryLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: { pid: number; purpose: string },
  ) {
    super(
      `The embedded database in ${dataDir} is open in another process (pid ${holder.pid}, ${holder.purpose}). ` +
        'Only one process may open it at a time. Stop that process first, or run against a PostgreSQL server with DATABASE_URL.',
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDirectory(dataDir: string, purpose: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'prevent-assure.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          fs.unlinkSync(lockFile);
        } catch {
          // already gone: nothing to release
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = { pid: 0, purpose: 'unknown' };
      try {
        holder = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
      } catch {
        // a lock file being written right now: treat as held
        throw new DataDirectoryLockedError(dataDir, holder);
      }
      if (holder.pid !== process.pid && isRunning(holder.pid)) throw new DataDirectoryLockedError(dataDir, holder);
      // The holder died without releasing: the lock is stale.
      fs.unlinkSync(lockFile);
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
