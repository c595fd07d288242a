/// <reference lib="dom" />
import { VaraiRecommendationsElement } from "./recommendations-element.ts";

export { VaraiRecommendationsElement } from "./recommendations-element.ts";

if (!customElements.get("varai-recommendations"))
  customElements.define("varai-recommendations", VaraiRecommendationsElement);
