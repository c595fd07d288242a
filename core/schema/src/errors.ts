/**
 * The one error type of VARAi. `code` is a closed union: callers switch on it,
 * and exactly one place (runtime's http module) maps it to an HTTP status.
 */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "INVALID_CONFIG",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "OVERLOADED",
  "UPSTREAM_UNAVAILABLE",
  "INVALID_RESPONSE",
  "UNSUPPORTED",
  "NO_FACE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  /** When false the message is replaced by a generic one before it reaches a client. */
  readonly expose: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: ErrorDetails; expose?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.expose = options.expose ?? code !== "INTERNAL";
  }
}

export function isAppError(value: unknown): value is AppError {
  // Duck-typed so that two copies of this package still recognise each other's errors.
  return (
    value instanceof AppError ||
    (value instanceof Error &&
      (value as { name?: unknown }).name === "AppError" &&
      typeof (value as { code?: unknown }).code === "string")
  );
}

/** Normalises anything thrown into an AppError; unknown failures become INTERNAL. */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value;
  return new AppError("INTERNAL", "Internal error", { cause: value, expose: false });
}
