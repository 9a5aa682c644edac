/** A stored value with the version it was read at, for optimistic concurrency. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** Thrown when a write lost a race: someone else wrote the record since it was read (or created it first). */
export class ConcurrencyError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else; read it again`);
    this.name = 'ConcurrencyError';
  }
}
