/** What the load (or auth) callback put in the view: see server/app-view.ts `AppBoot`. */
export interface Boot {
  session: { accessToken: string; expiresIn: number; tenantId: string };
  context: string;
  connectionId: string;
  storeHash: string;
  user: { email: string };
  publishableKey: string;
  script: { status: "created" | "repaired" | "present" | "failed"; message: string | null };
}

export function readBoot(): Boot | null {
  const element = document.getElementById("varai-bc-boot");
  if (!element?.textContent) return null;
  try {
    return JSON.parse(element.textContent) as Boot;
  } catch {
    return null;
  }
}
