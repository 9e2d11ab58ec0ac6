/** A request about a bulk job that cannot be done, with a message for the operator. */
export class JobError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'invalid_state' | 'invalid' = 'invalid_state',
  ) {
    super(message);
    this.name = 'JobError';
  }
}
