/**
 * Logger: the minimal interface libraries take. Services get a pino logger with
 * redaction (runtime's `createLogger`); libraries default to `noopLogger`. Declared here, the
 * lowest package adapters and runtime share, so an adapter needs nothing of runtime.
 */
export interface Logger {
  debug(attrs: Record<string, unknown>, msg?: string): void;
  info(attrs: Record<string, unknown>, msg?: string): void;
  warn(attrs: Record<string, unknown>, msg?: string): void;
  error(attrs: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const noopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return noopLogger;
  },
};

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
