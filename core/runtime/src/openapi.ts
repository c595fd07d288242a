/**
 * An OpenAPI response that is a problem document (RFC 9457). The schema it refers to,
 * `#/components/schemas/Problem`, is defined once by the gateway's document, which every
 * service's fragment is merged into.
 */
export const problemResponse = (description = "Problem") => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
