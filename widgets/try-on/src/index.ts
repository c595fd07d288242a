/// <reference lib="dom" />
import { VaraiTryOnElement } from "./try-on-element.ts";

export { type AddToCartDetail, type LiveStats, VaraiTryOnElement } from "./try-on-element.ts";

if (!customElements.get("varai-try-on")) customElements.define("varai-try-on", VaraiTryOnElement);
