import { InstallsCallError, type InstallsPort } from "@varai/installs";
import { AppError, type ErrorCode } from "@varai/schema";

/** The HTTP installs client's errors as the AppErrors the app handles (NOT_FOUND on a never-installed store, …). */
export function withAppErrors(port: InstallsPort): InstallsPort {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (!(error instanceof InstallsCallError)) throw error;
        throw new AppError(codeFor(error.status), `VARAi installs API: ${error.message}`);
      }
    };
  return {
    platform: port.platform,
    install: wrap(port.install),
    get: wrap(port.get),
    uninstall: wrap(port.uninstall),
    openSession: wrap(port.openSession),
    removeUser: wrap(port.removeUser),
  };
}

function codeFor(status: number): ErrorCode {
  if (status === 404) return "NOT_FOUND";
  if (status === 400 || status === 422) return "INVALID_INPUT";
  if (status === 409) return "CONFLICT";
  // A refused app key is our configuration, not the caller's fault.
  if (status === 401 || status === 403) return "INVALID_CONFIG";
  return "UPSTREAM_UNAVAILABLE";
}
