/// <reference lib="dom" />
import { VaraiFrameFinderElement } from "./frame-finder-element.ts";

export { VaraiFrameFinderElement } from "./frame-finder-element.ts";

if (!customElements.get("varai-frame-finder")) customElements.define("varai-frame-finder", VaraiFrameFinderElement);
