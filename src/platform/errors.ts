/** Thrown by a service for a record the user may not see, or that does not exist: both answer 404, so existence does not leak. */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(what = 'record') {
    super(`No such ${what}`);
  }
}

/** Input that breaks a rule: a message for each field, shown next to it and in the error summary. */
export class InputError extends Error {
  readonly statusCode = 400;
  constructor(readonly fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors).join('; '));
  }
}

export class ForbiddenError extends Error {
  readonly statusCode = 403;
}

/** Refused with a page of its own rather than the plain one for its status (e.g. the break-glass prompt). */
export class RefusalWithPage extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly template: string,
    readonly data: Record<string, unknown>,
  ) {
    super(message);
  }
}
