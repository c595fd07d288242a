import type { Request, Response } from "express";

/** Wraps an async handler so a thrown error reaches express's error handler (problem+json). */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: (e?: unknown) => void) =>
    fn(req, res).catch(next);
