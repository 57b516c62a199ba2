// Errors say whether trying again can help (kafkajs' `retriable` idea). Retriable: the batch is
// redelivered. Not retriable (poison): the record goes to the dead-letter topic and consumption
// goes on. An error that says nothing is treated as retriable, so nothing is dropped by accident.

export class LedgerError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'LedgerError';
    this.retriable = options.retriable;
  }
}

/** A record that will never be processed, however often it is tried. */
export class PoisonRecordError extends LedgerError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
    this.name = 'PoisonRecordError';
  }
}

export function isRetriable(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retriable' in error) return error.retriable !== false;
  return true;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
