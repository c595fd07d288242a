import { describe, expect, it } from "vitest";
import { errorBodyField, restRequest } from "./rest.ts";

/** A fetch that answers one canned response and records what it was asked (the network seam). */
function fetchAnswering(response: Response | Error) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string | URL, init: RequestInit) => {
    calls.push({ url: String(url), init });
    if (response instanceof Error) throw response;
    return response;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

describe("restRequest", () => {
  it("sends JSON with accept and content-type and parses the answer with the given parser", async () => {
    const { fetch, calls } = fetchAnswering(Response.json({ price: 129.9 }));
    const r = await restRequest(fetch, {
      url: "https://shop.example/api",
      method: "POST",
      headers: { authorization: "Bearer t" },
      body: { a: 1 },
      parse: (text) => ({ text }),
    });
    expect(r.ok && r.value.body).toEqual({ text: '{"price":129.9}' });
    expect(calls[0]?.init).toMatchObject({
      method: "POST",
      body: '{"a":1}',
      headers: { accept: "application/json", authorization: "Bearer t", "content-type": "application/json" },
    });
  });

  it("answers a 404 to a GET as a success without a body, and to a PUT as a failure", async () => {
    const get = await restRequest(fetchAnswering(new Response("nope", { status: 404 })).fetch, {
      url: "https://x.example",
      method: "GET",
    });
    expect(get.ok && get.value).toMatchObject({ status: 404, body: null });
    const put = await restRequest(fetchAnswering(new Response("nope", { status: 404 })).fetch, {
      url: "https://x.example",
      method: "PUT",
      body: {},
    });
    expect(!put.ok && put.error).toMatchObject({ kind: "http", status: 404, errorBody: undefined });
  });

  it("hands over a failure status with its headers and its JSON error body", async () => {
    const response = Response.json({ code: "woocommerce_rest_cannot_view" }, { status: 429 });
    response.headers.set("retry-after", "7");
    const r = await restRequest(fetchAnswering(response).fetch, { url: "https://x.example", method: "GET" });
    expect(r.ok).toBe(false);
    if (r.ok || r.error.kind !== "http") return;
    expect(r.error.headers.get("retry-after")).toBe("7");
    expect(errorBodyField(r.error.errorBody, "code")).toBe("woocommerce_rest_cannot_view");
    expect(errorBodyField(r.error.errorBody, "title")).toBeUndefined();
  });

  it("reports no answer as a network failure and an HTML 200 as an invalid response", async () => {
    const down = await restRequest(fetchAnswering(new TypeError("fetch failed")).fetch, {
      url: "https://x.example",
      method: "GET",
    });
    expect(!down.ok && down.error.kind).toBe("network");
    const html = await restRequest(fetchAnswering(new Response("<html>maintenance</html>")).fetch, {
      url: "https://x.example",
      method: "GET",
    });
    expect(!html.ok && html.error).toEqual({ kind: "invalid-response", message: "body is not JSON" });
  });
});

describe("errorBodyField", () => {
  it("reads only non-empty string fields of an object", () => {
    expect(errorBodyField({ message: "bad" }, "message")).toBe("bad");
    expect(errorBodyField({ message: 5 }, "message")).toBeUndefined();
    expect(errorBodyField(null, "message")).toBeUndefined();
    expect(errorBodyField("text", "message")).toBeUndefined();
  });
});
