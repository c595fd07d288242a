import { createHmac, randomUUID } from "node:crypto";

/**
 * The parts of BigCommerce a single-click app talks to, beside the catalog: the login host's
 * OAuth token endpoint, the signed payloads of the load / uninstall / remove_user callbacks,
 * and the Scripts API (`/v3/content/scripts`). Shapes follow bigcommerce/docs
 * (`docs/integrations/apps/guide/{auth,callbacks}.mdx`, `reference/scripts.v3.yml`).
 */

export interface BigCommerceUser {
  id: number;
  email: string;
  username?: string;
  locale?: string;
}

export interface SimScript {
  uuid: string;
  name: string;
  description: string;
  html: string;
  src: string;
  auto_uninstall: boolean;
  load_method: string;
  location: string;
  visibility: string;
  kind: string;
  consent_category: string;
  api_client_id: string;
  date_created: string;
  date_modified: string;
}

export interface BigCommerceAppSimOptions {
  storeHash: string;
  accessToken: string;
  clientId: string;
  clientSecret: string;
  owner: BigCommerceUser;
}

/** Every API app may own at most 10 scripts per store (`scripts.mdx`). */
export const BIGCOMMERCE_SCRIPTS_PER_APP = 10;

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** An HS256 JWT (what BigCommerce signs `signed_payload_jwt` with, keyed by the client secret). */
export function signHs256(claims: Record<string, unknown>, secret: string, header?: Record<string, unknown>): string {
  const head = b64url(JSON.stringify(header ?? { typ: "JWT", alg: "HS256" }));
  const body = b64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

export function createBigCommerceAppSim(o: BigCommerceAppSimOptions) {
  const codes = new Map<string, { scope: string; user: BigCommerceUser }>();
  const tokenRequests: Array<Record<string, unknown>> = [];
  const scripts: SimScript[] = [];
  const state = { tokenValid: true };
  const problem = (status: number, title: string) => Response.json({ status, title }, { status });

  /** `POST /oauth2/token` on the login host: the exact body `auth.mdx` documents, codes single-use. */
  const token = async (request: Request): Promise<Response> => {
    const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body) return problem(400, "JSON body expected");
    tokenRequests.push(body);
    const grant = typeof body.code === "string" ? codes.get(body.code) : undefined;
    const fields = ["client_id", "client_secret", "code", "context", "scope", "grant_type", "redirect_uri"];
    if (fields.some((f) => typeof body[f] !== "string" || body[f] === "")) return problem(400, "missing fields");
    if (body.client_id !== o.clientId || body.client_secret !== o.clientSecret)
      return problem(401, "Invalid client credentials");
    if (!grant || body.context !== `stores/${o.storeHash}` || body.scope !== grant.scope)
      return problem(400, "Invalid verification code");
    codes.delete(body.code as string);
    state.tokenValid = true;
    return Response.json({
      access_token: o.accessToken,
      scope: grant.scope,
      user: { id: grant.user.id, username: grant.user.username ?? grant.user.email, email: grant.user.email },
      owner: { id: o.owner.id, username: o.owner.username ?? o.owner.email, email: o.owner.email },
      context: `stores/${o.storeHash}`,
      account_uuid: "a7b1c9d0-0000-4000-8000-000000000001",
    });
  };

  const scriptView = (s: SimScript) => ({ ...s, channel_id: 1 });
  const now = () => new Date().toISOString();

  /** `/v3/content/scripts[/{uuid}]`; `route` is relative to the store (`/v3/...`). */
  const scriptsApi = async (request: Request, route: string): Promise<Response | null> => {
    if (route === "/v3/content/scripts" && request.method === "GET")
      return Response.json({ data: scripts.map(scriptView), meta: { pagination: { total: scripts.length } } });
    if (route === "/v3/content/scripts" && request.method === "POST") {
      const body = (await request.json()) as Partial<SimScript>;
      if (!body.name) return problem(422, "name is required");
      if (body.kind === "script_tag" ? !body.html : !body.src) return problem(422, "html or src is required");
      if (scripts.length >= BIGCOMMERCE_SCRIPTS_PER_APP) return problem(422, "Script limit reached for this app");
      const t = now();
      const script: SimScript = {
        uuid: randomUUID(),
        name: body.name,
        description: body.description ?? "",
        html: body.html ?? "",
        src: body.src ?? "",
        auto_uninstall: body.auto_uninstall ?? false,
        load_method: body.load_method ?? "default",
        location: body.location ?? "head",
        visibility: body.visibility ?? "all_pages",
        kind: body.kind ?? "src",
        consent_category: body.consent_category ?? "unknown",
        api_client_id: o.clientId,
        date_created: t,
        date_modified: t,
      };
      scripts.push(script);
      return Response.json({ data: scriptView(script), meta: {} });
    }
    const uuid = /^\/v3\/content\/scripts\/([\w-]+)$/.exec(route)?.[1];
    if (!uuid) return null;
    const index = scripts.findIndex((s) => s.uuid === uuid);
    if (index < 0) return problem(404, "Script not found");
    if (request.method === "DELETE") {
      scripts.splice(index, 1);
      return new Response(null, { status: 204 });
    }
    if (request.method === "PUT") {
      const body = (await request.json()) as Partial<SimScript>;
      scripts[index] = { ...scripts[index]!, ...body, uuid, date_modified: now() };
      return Response.json({ data: scriptView(scripts[index]!), meta: {} });
    }
    return Response.json({ data: scriptView(scripts[index]!), meta: {} });
  };

  return {
    tokenRequests,
    scripts,
    state,
    /** Starts an install as the control panel does: the query the browser brings to the app's auth callback. */
    authorize(options: { scope?: string; user?: BigCommerceUser } = {}) {
      const code = `code_${randomUUID()}`;
      const scope = options.scope ?? "store_v2_products_read_only store_v2_information_read_only store_v2_content";
      codes.set(code, { scope, user: options.user ?? o.owner });
      return { code, scope, context: `stores/${o.storeHash}`, account_uuid: "a7b1c9d0-0000-4000-8000-000000000001" };
    },
    /**
     * A callback's `signed_payload_jwt` (`callbacks.mdx`): `exp` 24 h after `nbf`; `claims`
     * overrides any claim, `secret` signs with another key (attacks).
     */
    signedPayload(
      options: { user?: BigCommerceUser; claims?: Record<string, unknown>; secret?: string; header?: object } = {},
    ) {
      const iat = Math.floor(Date.now() / 1000);
      const user = options.user ?? o.owner;
      const claims = {
        aud: o.clientId,
        iss: "bc",
        iat,
        nbf: iat,
        exp: iat + 86_400,
        jti: randomUUID(),
        operation: "payload_jwt",
        sub: `stores/${o.storeHash}`,
        user: { id: user.id, email: user.email, locale: user.locale ?? "en-US" },
        owner: { id: o.owner.id, email: o.owner.email },
        url: "/",
        channel_id: null,
        ...options.claims,
      };
      return signHs256(claims, options.secret ?? o.clientSecret, options.header as Record<string, unknown>);
    },
    /** What uninstalling does on BigCommerce's side: the token stops working, auto_uninstall scripts go. */
    uninstall() {
      state.tokenValid = false;
      for (let i = scripts.length - 1; i >= 0; i--) if (scripts[i]!.auto_uninstall) scripts.splice(i, 1);
    },
    /** The merchant deletes our script in Storefront > Script Manager. */
    deleteAllScripts() {
      scripts.splice(0, scripts.length);
    },
    token,
    scriptsApi,
  };
}
