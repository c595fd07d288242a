// fast-check arbitraries for hostile request bodies (tests only): multipart forms broken at
// every level (HTTP framing, multipart framing, part headers), photos broken inside a
// well-formed form, and JSON bodies that are not JSON, not UTF-8, nested too deep or mislabelled.
// Every request is complete at the HTTP level (or over-complete): one that stops short leaves
// the server rightly waiting, with nothing to assert but a timeout.
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string | null>;
  body: Buffer;
  /** What this request is, for the failure message (the body can be megabytes). */
  label: string;
}

/** Sample images (small, valid) that the image arbitrary mutates. */
export interface SamplePhotos {
  jpeg: Buffer;
  png: Buffer;
  webp: Buffer;
  /** A real face (the astronaut), so mutations also reach the face models and the renderer. */
  face: Buffer;
}

const CRLF = "\r\n";

/** fast-check prints a failing request by its label, not as megabytes of body bytes. */
const request = (fields: FuzzRequest): FuzzRequest =>
  Object.assign(fields, { [fc.toStringMethod]: () => fields.label });

/** Overwrites bytes at pseudo-random positions (seeded by fast-check). */
const flipBytes = (data: Buffer, flips: Array<[number, number]>) => {
  const copy = Buffer.from(data);
  for (const [at, value] of flips) if (copy.length > 0) copy[at % copy.length] = value;
  return copy;
};

/** A JPEG whose SOF0 says 65500 x 65500: a pixel bomb from its header. */
function jpegBomb(jpeg: Buffer): Buffer {
  const copy = Buffer.from(jpeg);
  for (let i = 2; i + 9 < copy.length; i++) {
    if (copy[i] === 0xff && (copy[i + 1] === 0xc0 || copy[i + 1] === 0xc2)) {
      copy.writeUInt16BE(65500, i + 5);
      copy.writeUInt16BE(65500, i + 7);
      break;
    }
  }
  return copy;
}

/** A PNG whose IHDR claims a huge size (CRC left stale: decoders differ on checking it). */
function pngBomb(png: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(width, 16);
  copy.writeUInt32BE(height, 20);
  return copy;
}

const MAGIC = {
  gif: Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"),
  heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1")]),
  avif: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypavif\0\0\0\0mif1avif", "latin1")]),
  tiff: Buffer.from("II*\0\x08\0\0\0", "latin1"),
  bmp: Buffer.from("BM\x3a\0\0\0\0\0\0\0\x36\0\0\0", "latin1"),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"/>'),
  jpegSoi: Buffer.from([0xff, 0xd8, 0xff]),
  pngSig: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
};

/** Photo bytes: valid samples, each broken in one of the ways a decoder meets in the wild. */
export function photoBytes(samples: SamplePhotos): fc.Arbitrary<Buffer> {
  const sample = fc.constantFrom(samples.jpeg, samples.png, samples.webp, samples.face);
  const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 });
  return fc.oneof(
    sample,
    { weight: 2, arbitrary: fc.tuple(sample, fc.nat()).map(([data, cut]) => data.subarray(0, cut % data.length)) },
    { weight: 3, arbitrary: fc.tuple(sample, flips).map(([data, f]) => flipBytes(data, f)) },
    fc.tuple(sample, fc.uint8Array({ maxLength: 4096 })).map(([data, tail]) => Buffer.concat([data, tail])),
    fc
      .tuple(fc.constantFrom(...Object.values(MAGIC)), fc.uint8Array({ maxLength: 2048 }))
      .map(([head, rest]) => Buffer.concat([head, rest])),
    fc.constant(jpegBomb(samples.jpeg)),
    fc
      .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
      .map(([w, h]) => pngBomb(samples.png, w, h)),
    fc.uint8Array({ maxLength: 8192 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(Buffer.alloc(0)),
  );
}

interface Part {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

function encodeParts(boundary: string, parts: Part[], close: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `Content-Disposition: form-data; name="${part.name}"${part.filename === null ? "" : `; filename="${part.filename}"`}`;
    const type = part.contentType === null ? "" : `${CRLF}Content-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`--${boundary}${CRLF}${disposition}${type}${CRLF}${CRLF}`, "latin1"), part.data);
    chunks.push(Buffer.from(CRLF));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

/** The HTTP framing around a body: honest, short Content-Length, chunked (sometimes badly), none. */
type Framing =
  | { kind: "exact" }
  | { kind: "short"; by: number }
  | { kind: "chunked"; size: number; badSizeLine: boolean }
  | { kind: "none" };

const framing: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "exact" as const }) },
  fc.record({ kind: fc.constant("short" as const), by: fc.integer({ min: 1, max: 400 }) }),
  fc.record({
    kind: fc.constant("chunked" as const),
    size: fc.integer({ min: 1, max: 5000 }),
    badSizeLine: fc.boolean(),
  }),
  fc.constant({ kind: "none" as const }),
);

function frame(body: Buffer, how: Framing): { headers: Record<string, string | null>; body: Buffer } {
  switch (how.kind) {
    case "exact":
      return { headers: {}, body };
    case "short":
      return { headers: { "content-length": String(Math.max(0, body.length - how.by)) }, body };
    case "none":
      return { headers: { "content-length": null }, body };
    case "chunked": {
      // At most ~2000 chunks: a megabyte in 1-byte chunks costs node's parser seconds of CPU to
      // refuse (a load question, bounded by the rate limits, not a malformed body).
      const chunkBytes = Math.max(how.size, Math.ceil(body.length / 2000));
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += chunkBytes) {
        const piece = body.subarray(at, at + chunkBytes);
        const sizeLine = how.badSizeLine && at === 0 ? "zz;" : piece.length.toString(16);
        chunks.push(Buffer.from(`${sizeLine}${CRLF}`), piece, Buffer.from(CRLF));
      }
      chunks.push(Buffer.from(`0${CRLF}${CRLF}`));
      return { headers: { "content-length": null, "transfer-encoding": "chunked" }, body: Buffer.concat(chunks) };
    }
  }
}

/** How the form itself is broken (or not): the issue's case is `cut` inside a part. */
type FormDamage =
  | { kind: "none" }
  | { kind: "no-closing-boundary" }
  | { kind: "cut"; at: number }
  | { kind: "lf-only" }
  | { kind: "inserted"; at: number; bytes: Uint8Array };

const formDamage: fc.Arbitrary<FormDamage> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  { weight: 2, arbitrary: fc.constant({ kind: "no-closing-boundary" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }) },
  fc.constant({ kind: "lf-only" as const }),
  fc.record({ kind: fc.constant("inserted" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

function damage(boundary: string, parts: Part[], how: FormDamage): Buffer {
  const whole = encodeParts(boundary, parts, how.kind !== "no-closing-boundary");
  switch (how.kind) {
    case "cut":
      return whole.subarray(0, how.at % (whole.length + 1));
    case "lf-only":
      return Buffer.from(whole.toString("latin1").replaceAll(CRLF, "\n"), "latin1");
    case "inserted": {
      const at = how.at % (whole.length + 1);
      return Buffer.concat([whole.subarray(0, at), how.bytes, whole.subarray(at)]);
    }
    default:
      return whole;
  }
}

const boundaryChars = fc.constantFrom(..."abcxyz0189-_'()+,./:=?".split(""));
const boundary = fc.oneof(
  fc.constant("----varaiFormBoundary7MA4YWxkTrZu0gW"),
  fc.string({ unit: boundaryChars, minLength: 1, maxLength: 90 }),
);

/** The Content-Type header of a form: right, wrong boundary, none, not multipart at all. */
const formContentType = (b: string) =>
  fc.constantFrom(
    `multipart/form-data; boundary=${b}`,
    `multipart/form-data; boundary="${b}"`,
    `multipart/form-data; boundary=${b}x`,
    "multipart/form-data",
    "multipart/form-data; boundary=",
    `multipart/mixed; boundary=${b}`,
    `multipart/form-data; charset=utf-16; boundary=${b}`,
    "application/octet-stream",
  );

export interface FormContext {
  /** Product ids that exist (a try-on reaches the photo only for those). */
  productIds: string[];
  samples: SamplePhotos;
}

const partName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("photo", "productId", "consent", "shopperId", "faceAnalysisId") },
  fc.string({ maxLength: 40 }).map((s) => s.replaceAll('"', "")),
);

function part(context: FormContext, photo: fc.Arbitrary<Buffer>): fc.Arbitrary<Part> {
  const fieldValue = fc.oneof(
    fc.constantFrom(...context.productIds, "true", "false", "yes", "fa_00000000000000000000", ""),
    fc.string({ maxLength: 2000 }),
  );
  return fc.oneof(
    fc.record({
      name: partName,
      filename: fc.option(fc.constantFrom("a.jpg", "photo.png", "../../etc/passwd", "", "x".repeat(300))),
      contentType: fc.option(fc.constantFrom("image/jpeg", "image/png", "image/webp", "text/plain", "image/gif")),
      data: photo,
    }),
    fc.record({
      name: partName,
      filename: fc.constant(null),
      contentType: fc.constant(null),
      data: fieldValue.map((v) => Buffer.from(v)),
    }),
  );
}

/** The fields a try-on or an analysis needs, so a broken photo is what the server meets first. */
function wellFormedParts(context: FormContext, photo: fc.Arbitrary<Buffer>): fc.Arbitrary<Part[]> {
  return fc.tuple(fc.constantFrom(...context.productIds), photo, fc.boolean()).map(([productId, data, consent]) => [
    { name: "productId", filename: null, contentType: null, data: Buffer.from(productId) },
    { name: "consent", filename: null, contentType: null, data: Buffer.from(String(consent)) },
    { name: "photo", filename: "photo.jpg", contentType: "image/jpeg", data },
  ]);
}

const anyAccept = fc.constantFrom("image/jpeg", "image/webp", "image/png", "application/json", "text/html", "*/*");
const servedAccept = fc.constantFrom("image/jpeg", "image/webp", "image/png", "application/json");

interface UploadShape {
  parts: fc.Arbitrary<Part[]>;
  damage: fc.Arbitrary<FormDamage>;
  framing: fc.Arbitrary<Framing>;
  contentType: (boundary: string) => fc.Arbitrary<string>;
  accept: fc.Arbitrary<string>;
  kind: string;
}

function uploadRequest(shape: UploadShape): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: fc.constantFrom(...UPLOAD_PATHS),
      b: boundary,
      parts: shape.parts,
      damageHow: shape.damage,
      framingHow: shape.framing,
      accept: shape.accept,
    })
    .chain((r) => shape.contentType(r.b).map((contentType) => ({ ...r, contentType })))
    .map(({ path, b, parts, damageHow, framingHow, accept, contentType }) => {
      const framed = frame(damage(b, parts, damageHow), framingHow);
      return request({
        method: "POST",
        path,
        headers: { "content-type": contentType, accept, ...framed.headers },
        body: framed.body,
        label: `${shape.kind} POST ${path} ${contentType} form=${damageHow.kind} framing=${framingHow.kind} parts=${parts
          .map((p) => `${p.name}${p.filename === null ? "" : `(${p.data.length} B)`}`)
          .join(",")}`,
      });
    });
}

export const UPLOAD_PATHS = ["/v1/face-analysis", "/v1/try-on"] as const;

/** Forms broken at the HTTP, multipart and part level, with any parts. */
export function malformedForm(context: FormContext): fc.Arbitrary<FuzzRequest> {
  return uploadRequest({
    parts: fc.array(part(context, photoBytes(context.samples)), { maxLength: 6 }),
    damage: formDamage,
    framing,
    contentType: formContentType,
    accept: anyAccept,
    kind: "multipart",
  });
}

/** Well-formed forms around a broken photo: the decoders, the face models and the renderer. */
export function malformedPhoto(context: FormContext): fc.Arbitrary<FuzzRequest> {
  return uploadRequest({
    parts: wellFormedParts(context, photoBytes(context.samples)),
    damage: fc.constant({ kind: "none" as const }),
    framing: fc.constant({ kind: "exact" as const }),
    contentType: (b) => fc.constant(`multipart/form-data; boundary="${b}"`),
    accept: servedAccept,
    kind: "image",
  });
}

/** A JSON body that is not what it says: broken, deep, huge, not UTF-8, compressed, mislabelled. */
const jsonBody: fc.Arbitrary<{ body: Buffer; headers: Record<string, string | null>; what: string }> = (() => {
  const json = (what: string, body: Buffer | string) => ({
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    headers: {},
    what,
  });
  const valueText = fc.jsonValue().map((v) => JSON.stringify(v) ?? "null");
  return fc.oneof(
    { weight: 3, arbitrary: valueText.map((t) => json("json", t)) },
    fc.tuple(valueText, fc.nat()).map(([t, cut]) => json("truncated", t.slice(0, cut % (t.length + 1)))),
    fc.string({ maxLength: 300 }).map((t) => json("text", t)),
    fc.uint8Array({ maxLength: 600 }).map((bytes) => json("bytes", Buffer.from(bytes))),
    fc
      .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom("[", '{"a":'))
      .map(([depth, open]) => json(`nested ${depth}`, open.repeat(depth))),
    fc
      .integer({ min: 1_000, max: 100_000 })
      .map((depth) => json(`nested closed ${depth}`, `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)),
    fc.constant(json("over 1 MB", `{"a":"${"x".repeat(1024 * 1024 + 10)}"}`)),
    fc
      .constantFrom(
        '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
        '{"email":"a@b.c","email":"x"}',
        "1e999999",
        '{"a":-0,"b":1e-400,"c":123456789012345678901234567890}',
        '"\\ud800"',
        "\ufeff{}",
        "",
        "null",
      )
      .map((t) => json("edge", t)),
    fc.jsonValue().map((v) => ({
      body: gzipSync(JSON.stringify(v) ?? "null"),
      headers: { "content-encoding": "gzip" },
      what: "gzip",
    })),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({
      body: Buffer.from(bytes),
      headers: { "content-encoding": "gzip" },
      what: "bad gzip",
    })),
    fc.constant({
      // 20 MB of zeros in 20 kB: the limit applies to what it inflates to.
      body: deflateSync(Buffer.alloc(20 * 1024 * 1024)),
      headers: { "content-encoding": "deflate" },
      what: "deflate bomb",
    }),
    fc.constantFrom("br", "compress", "x-bogus", "gzip, identity").map((encoding) => ({
      body: Buffer.from("{}"),
      headers: { "content-encoding": encoding },
      what: `encoding ${encoding}`,
    })),
  );
})();

const jsonContentType = fc.option(
  fc.oneof(
    { weight: 4, arbitrary: fc.constant("application/json") },
    fc.constantFrom(
      "application/json; charset=utf-8",
      "application/json; charset=utf-16",
      "application/json; charset=bogus",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/merge-patch+json",
      "multipart/form-data; boundary=x",
    ),
  ),
  { freq: 8 },
);

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. /v1/products/{id}/frame. */
  path: string;
}

export interface JsonContext {
  /** Values for path parameters that name something that exists. */
  knownIds: string[];
}

const pathValue = (context: JsonContext) =>
  fc.oneof(
    fc.constantFrom(...context.knownIds),
    fc.string({ maxLength: 80 }).map(encodeURIComponent),
    fc.constantFrom("..%2F..%2Fetc%2Fpasswd", "%E0%A4%A", "%00", "a".repeat(2000), "__proto__"),
  );

/** One request to one of `operations` with a hostile JSON body. */
export function malformedJson(operations: Operation[], context: JsonContext): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      operation: fc.constantFrom(...operations),
      params: fc.array(pathValue(context), { minLength: 4, maxLength: 4 }),
      contentType: jsonContentType,
      framingHow: framing,
      payload: jsonBody,
    })
    .map(({ operation, params, contentType, framingHow, payload }) => {
      let i = 0;
      const path = operation.path.replace(/\{[^}]+\}/g, () => params[i++] ?? "x");
      const framed = frame(payload.body, framingHow);
      return request({
        method: operation.method,
        path,
        headers: { "content-type": contentType, ...payload.headers, ...framed.headers },
        body: framed.body,
        label: `json ${operation.method} ${path} ${contentType} body=${payload.what} framing=${framingHow.kind}`,
      });
    });
}
