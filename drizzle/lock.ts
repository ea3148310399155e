// An exclusive lock on an embedded data dir. PGlite has no lock of its own, and a second
// process opening the same dir corrupts its catalog, so every opener takes this lock first.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DatabaseUnavailableError } from "./errors";

export interface DirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockDataDir(dir: string): DirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "talon.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner = NaN;
      try {
        owner = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
      } catch {
        // unreadable lock file: treat as stale
      }
      if (owner !== process.pid && isAlive(owner)) {
        throw new DatabaseUnavailableError(
          `the data dir ${dir} is in use by another Talon process (pid ${owner}); stop it or choose another dir with --data / TALON_DATA_DIR`,
        );
      }
      // Stale lock from a process that died (or from ourselves): take it over.
      rmSync(path, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`could not lock the data dir ${dir}`);
}
