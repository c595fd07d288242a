import { AppError } from "@varai/schema";
import { z } from "zod";

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  scope: z.string(),
  user: z.object({ id: z.number().int(), email: z.string(), username: z.string().optional() }),
  owner: z.object({ id: z.number().int(), email: z.string(), username: z.string().optional() }).optional(),
  context: z.string().regex(/^stores\/[a-z0-9]+$/i),
  account_uuid: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export interface AuthQuery {
  code: string;
  scope: string;
  context: string;
}

/**
 * The code exchange of the auth callback (`auth.mdx`): `POST {login host}/oauth2/token` with the
 * JSON body BigCommerce documents. `scope` and `context` go back exactly as they came.
 * A refused code is UNAUTHENTICATED; an unreachable or odd login host is UPSTREAM_UNAVAILABLE /
 * INVALID_RESPONSE. The token is never logged or put in an error.
 */
export async function exchangeCode(
  query: AuthQuery,
  app: { clientId: string; clientSecret: string; loginBaseUrl: string; redirectUri: string },
  fetchImpl: typeof fetch,
): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetchImpl(`${app.loginBaseUrl}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        code: query.code,
        context: query.context,
        scope: query.scope,
        grant_type: "authorization_code",
        redirect_uri: app.redirectUri,
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new AppError("UPSTREAM_UNAVAILABLE", "BigCommerce's login service did not answer", { cause: error });
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.status >= 400 && response.status < 500)
    throw new AppError("UNAUTHENTICATED", "BigCommerce refused the authorization code", {
      details: { upstreamStatus: response.status },
    });
  if (!response.ok)
    throw new AppError("UPSTREAM_UNAVAILABLE", "BigCommerce's login service failed", {
      details: { upstreamStatus: response.status },
    });
  const token = TokenResponseSchema.safeParse(body);
  if (!token.success) throw new AppError("INVALID_RESPONSE", "BigCommerce's token response was not understood");
  if (token.data.context.toLowerCase() !== query.context.toLowerCase())
    throw new AppError("INVALID_RESPONSE", "BigCommerce's token is for another store");
  return token.data;
}
