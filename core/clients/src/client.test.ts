import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createVaraiClient, VaraiApiError } from "./index.ts";

/** A stand-in for the remote API: records requests and answers what the test says. */
function fakeFetch(answer: (req: Request) => Response) {
  const seen: Request[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push(req);
    return answer(req);
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const recommendation = {
  id: "rec_1",
  items: [
    {
      productId: "prd_1",
      title: "Aviator",
      score: 0.9,
      parts: { fit: 0.9, style: 0.8, preference: null, merchantBoost: 1 },
      fitBadges: ["fits your face width"],
      reasons: ["frame width 138 mm matches your face width 136 mm"],
      sizeUnknown: false,
    },
  ],
  modelVersion: null,
};

describe("createVaraiClient", () => {
  it("fetches a binary resource with the access token, and maps its problems", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const { fetch, seen } = fakeFetch((req) =>
      req.url.endsWith("/ast_1")
        ? new Response(png, { headers: { "content-type": "image/png" } })
        : Response.json({ code: "NOT_FOUND", detail: "No such frame asset" }, { status: 404 }),
    );
    const client = createVaraiClient({ baseUrl: "https://api.test", accessToken: "t1", fetch });
    const blob = await client.getBlob("/v1/frame-assets/ast_1");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(png);
    expect(blob.type).toBe("image/png");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer t1");
    await expect(client.getBlob("/v1/frame-assets/ast_2")).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("sends PUT and PATCH as JSON with the current access token, and maps their problems", async () => {
    const { fetch, seen } = fakeFetch((req) =>
      req.method === "PATCH"
        ? Response.json({ code: "FORBIDDEN", detail: "Missing permission catalog:write" }, { status: 403 })
        : Response.json({ version: 2 }),
    );
    let token = "t1";
    const client = createVaraiClient({ baseUrl: "https://api.test", accessToken: () => token, fetch });
    const schema = z.object({ version: z.number() });
    expect(await client.put(schema, "/v1/widget-settings", { version: 1, config: {} })).toEqual({ version: 2 });
    token = "t2";
    const refused = await client.patch(schema, "/v1/products/p1/frame", { shape: "round" }).catch((e) => e);
    expect(refused).toBeInstanceOf(VaraiApiError);
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(seen.map((r) => [r.method, r.headers.get("authorization"), r.headers.get("content-type")])).toEqual([
      ["PUT", "Bearer t1", "application/json"],
      ["PATCH", "Bearer t2", "application/json"],
    ]);
    expect(await seen[1]?.json()).toEqual({ shape: "round" });
  });

  it("sends the publishable key and parses a recommendation response", async () => {
    const { fetch, seen } = fakeFetch(() => Response.json(recommendation));
    const client = createVaraiClient({ baseUrl: "https://api.test/", publishableKey: "pk_abc", fetch });
    const result = await client.recommend({ faceShape: "round", limit: 5 });
    expect(result.items[0]?.reasons[0]).toContain("138 mm");
    expect(seen[0]?.url).toBe("https://api.test/v1/recommendations");
    expect(seen[0]?.headers.get("x-varai-key")).toBe("pk_abc");
    expect(await seen[0]?.json()).toEqual({ faceShape: "round", limit: 5 });
  });

  it("turns a problem+json answer into a VaraiApiError with its code", async () => {
    const { fetch } = fakeFetch(() =>
      Response.json({ code: "NO_FACE", detail: "No face found", status: 422 }, { status: 422 }),
    );
    const client = createVaraiClient({ baseUrl: "https://api.test", fetch });
    const error = await client.analyzeFace(new Blob([new Uint8Array([1, 2, 3])])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaraiApiError);
    expect((error as VaraiApiError).code).toBe("NO_FACE");
    expect((error as VaraiApiError).status).toBe(422);
  });

  it("refuses a response that does not match the contract", async () => {
    const { fetch } = fakeFetch(() => Response.json({ items: "nope" }));
    const client = createVaraiClient({ baseUrl: "https://api.test", fetch });
    await expect(client.recommend({})).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
  });

  it("sends the photo as multipart with the product id for a try-on", async () => {
    const { fetch, seen } = fakeFetch(
      () => new Response(new Uint8Array([0xff, 0xd8]), { headers: { "content-type": "image/jpeg" } }),
    );
    const client = createVaraiClient({ baseUrl: "https://api.test", publishableKey: "pk_x", fetch });
    const blob = await client.tryOn({
      productId: "prd_9",
      photo: new Blob([new Uint8Array([9])]),
      format: "image/webp",
    });
    expect(blob.size).toBe(2);
    const form = await seen[0]?.formData();
    expect(form?.get("productId")).toBe("prd_9");
    expect(form?.get("photo")).toBeInstanceOf(Blob);
    expect(seen[0]?.headers.get("accept")).toBe("image/webp");
  });
});
