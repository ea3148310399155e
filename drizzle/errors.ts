// Typed domain errors thrown by drizzle/queries and drizzle/client. Callers branch on `code`,
// never on message text.
export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "DbError";
  }
}

export class NotFoundError extends DbError {
  constructor(message: string) {
    super("not_found", message);
  }
}

export class ConflictError extends DbError {
  constructor(message: string) {
    super("conflict", message);
  }
}

/** The database cannot be opened: unreachable server, locked or damaged data dir. */
export class DatabaseUnavailableError extends DbError {
  constructor(message: string) {
    super("database_unavailable", message);
  }
}
