import type { AppKeys } from "@varai/auth";
import type { PrivacyParticipant, RuntimeDeps, SecretBox, ServiceModule } from "@varai/runtime";
import type { InstallPlatform } from "@varai/schema";
import { audited } from "./audited.ts";
import { INSTALLS_COLLECTIONS, type InstallDoc, type LinkCodeDoc } from "./collections.ts";
import { type InstallContext, install } from "./install.ts";
import { createLinkCodes } from "./link-codes.ts";
import { installsOpenApi } from "./openapi.ts";
import type { InstallsPort, PortFor } from "./port.ts";
import type { InstallsDeps } from "./ports.ts";
import { createInstallsRouter } from "./routes.ts";
import { openSession, removeUser } from "./sessions.ts";
import { getInstall, uninstall } from "./uninstall.ts";
import { type ConnectStateDoc, WOO_CONNECT_COLLECTIONS, type WooSiteDoc } from "./woocommerce-connect.ts";
import { createWooConnectRouter, wooConnectOpenApi } from "./woocommerce-routes.ts";

export interface InstallsServiceOptions {
  /** Auth's and catalog's use cases (the gateway wires them). */
  use: InstallsDeps;
  /** The apps' keys (VARAI_APP_KEYS, or generated under DATA_DIR/keys). */
  appKeys: AppKeys;
  /** Seals the publishable keys kept on installs. */
  secretBox: SecretBox;
  /** Where platforms reach VARAi: the WooCommerce connect flow's callback and webhook URLs. */
  publicBaseUrl?: string;
}

export interface InstallsService extends ServiceModule {
  /** The in-process port for one app (what an app mounted by the gateway is given). */
  forApp(app: InstallPlatform): InstallsPort;
}

export function createInstallsService(deps: RuntimeDeps, options: InstallsServiceOptions): InstallsService {
  const installs = deps.store.globalCollection<InstallDoc>(INSTALLS_COLLECTIONS.installs);
  const c: InstallContext = {
    deps: options.use,
    installs,
    linkCodes: createLinkCodes(deps.store.globalCollection<LinkCodeDoc>(INSTALLS_COLLECTIONS.linkCodes), deps.clock),
    secretBox: options.secretBox,
    clock: deps.clock,
  };
  deps.privacy.register(installsPrivacy(c));
  const port = portFor(c);
  const router = createInstallsRouter(c, options.appKeys, port);
  const woo = {
    port: port("woocommerce"),
    states: deps.store.globalCollection<ConnectStateDoc>(WOO_CONNECT_COLLECTIONS.states),
    sites: deps.store.globalCollection<WooSiteDoc>(WOO_CONNECT_COLLECTIONS.sites),
    secretBox: options.secretBox,
    clock: deps.clock,
    publicBaseUrl: options.publicBaseUrl ?? "http://localhost:8080",
  };
  deps.privacy.register({
    name: "installs.woocommerce-sites",
    export: async (subject) =>
      subject.kind === "tenant"
        ? (await woo.sites.find({ tenantId: subject.tenantId }, { limit: 100 })).map(({ id: _hash, ...site }) => site)
        : [],
    erase: async (subject) => (subject.kind === "tenant" ? woo.sites.deleteMany({ tenantId: subject.tenantId }) : 0),
  });
  // The WooCommerce plugin's connect flow (no app key: bound to its one-time state and tokens).
  router.use(createWooConnectRouter(woo));
  return {
    name: "installs",
    router,
    openapi: { paths: { ...installsOpenApi.paths, ...wooConnectOpenApi.paths } },
    forApp: (app) => port(app),
    async ready() {
      await deps.store.ping();
    },
  };
}

function portFor(c: InstallContext): PortFor {
  return (platform, requestId) => {
    const as = <T>(action: string, storeId: string, run: () => Promise<T>) =>
      audited(c, { app: platform, action, platform, storeId, ...(requestId ? { requestId } : {}) }, run);
    return {
      platform,
      install: (storeId, input) => as("installs.install", storeId, () => install(c, platform, storeId, input)),
      get: (storeId) => as("installs.read", storeId, () => getInstall(c, platform, storeId)),
      uninstall: (storeId) => as("installs.uninstall", storeId, () => uninstall(c, platform, storeId)),
      openSession: (storeId, who) =>
        as("installs.session", storeId, () => openSession(c, platform, storeId, who ?? {})),
      removeUser: (storeId, userId) =>
        as("installs.remove-user", storeId, () => removeUser(c, platform, storeId, userId)),
    };
  };
}

/** A shop's erasure (tenant subject) removes its install records; shoppers have none here. */
function installsPrivacy(c: InstallContext): PrivacyParticipant {
  return {
    name: "installs.installs",
    async export(subject) {
      if (subject.kind !== "tenant") return [];
      const docs = await c.installs.find({ tenantId: subject.tenantId }, { limit: 100 });
      return docs.map(({ publishableKeyCipher: _sealed, ...doc }) => ({ ...doc }));
    },
    async erase(subject) {
      if (subject.kind !== "tenant") return 0;
      return c.installs.deleteMany({ tenantId: subject.tenantId });
    },
  };
}
