// Moved to @varai/commerce (the lowest package adapters and runtime share); re-exported so
// runtime's users keep one Logger.
export { type Clock, type Logger, noopLogger, systemClock } from "@varai/commerce";
