import { AppError } from "@varai/schema";
import busboy from "busboy";
import type { Request } from "express";

/** 10 MB holds any phone JPEG at full resolution; anything larger is refused while streaming. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface MultipartPhoto {
  photo: Buffer | null;
  fields: Record<string, string>;
}

const tooLarge = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `The photo is larger than ${maxBytes / 1024 / 1024} MB`, {
    details: { reason: "PHOTO_TOO_LARGE", limitBytes: maxBytes },
  });
const malformed = () =>
  new AppError("INVALID_INPUT", "Malformed multipart body", { details: { reason: "BAD_MULTIPART" } });

/** What can be refused from the headers alone: not multipart, or a declared body beyond the cap. */
function refusedByHeaders(req: Request, maxBytes: number): AppError | null {
  const type = req.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the photo as multipart/form-data", {
      details: { reason: "NOT_MULTIPART" },
    });
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes + 64 * 1024) {
    req.resume();
    return tooLarge(maxBytes);
  }
  return null;
}

/**
 * Reads one multipart form with a single `photo` file and a few short fields. Memory is
 * bounded: the declared Content-Length is checked before reading, the file stream is cut at
 * `maxBytes`, and the rest of the upload is discarded, never buffered.
 *
 * Every stream involved has an error listener: busboy destroys the open file stream with
 * "Unexpected end of form" when the body stops inside a part (no closing boundary, or a
 * Content-Length shorter than the form), and an error event nobody listens to is an uncaught
 * exception that stops the process (issue 14).
 */
export function readPhotoForm(req: Request, maxBytes = MAX_PHOTO_BYTES): Promise<MultipartPhoto> {
  const refused = refusedByHeaders(req, maxBytes);
  if (refused) return Promise.reject(refused);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // Drain and drop the rest so the client gets our answer instead of a reset.
      req.resume();
      reject(error);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
      });
    } catch {
      reject(malformed());
      return;
    }
    const chunks: Buffer[] = [];
    let photoSeen = false;
    const fields: Record<string, string> = {};
    parser.on("file", (name, stream) => {
      stream.on("error", () => fail(malformed()));
      if (name !== "photo" || photoSeen) {
        stream.resume();
        return;
      }
      photoSeen = true;
      stream.on("data", (chunk: Buffer) => {
        if (!settled) chunks.push(chunk);
      });
      stream.on("limit", () => {
        chunks.length = 0;
        fail(tooLarge(maxBytes));
      });
    });
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) {
        fail(new AppError("INVALID_INPUT", `Field ${name} is too long`, { details: { reason: "FIELD_TOO_LONG" } }));
        return;
      }
      fields[name] = value;
    });
    parser.on("filesLimit", () =>
      fail(new AppError("INVALID_INPUT", "Send one photo", { details: { reason: "TOO_MANY_FILES" } })),
    );
    parser.on("error", () => fail(malformed()));
    parser.on("close", () => {
      if (settled) return;
      settled = true;
      resolve({ photo: photoSeen ? Buffer.concat(chunks) : null, fields });
    });
    // `pipe` forwards no errors: the request's own (a reset mid-upload) end the form here.
    const aborted = () => fail(new AppError("INVALID_INPUT", "Upload aborted", { details: { reason: "ABORTED" } }));
    req.on("error", aborted);
    req.on("close", () => {
      if (!req.complete) aborted();
    });
    req.pipe(parser);
  });
}
