/// <reference lib="dom" />
import type { RecommendationItem } from "@varai/schema";
import {
  ANALYSIS_EVENT,
  CARD_CSS,
  esc,
  personalisation,
  productCard,
  RecommendationsAttributesSchema,
  readLastAnalysis,
  recommendationInput,
  VaraiElement,
  type WidgetProduct,
} from "@varai/widget-kit";

const CSS = `
${CARD_CSS}
h2{font-size:1.15em;margin:0 0 .6em}
.wrap{position:relative}
.track{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(200px,240px);gap:.8em;overflow-x:auto;scroll-snap-type:x mandatory;scroll-behavior:smooth;padding:.2em .2em .6em;margin:0}
.card{scroll-snap-align:start}
.nav{display:flex;gap:.5em;justify-content:flex-end;margin-bottom:.4em}
`;

/**
 * `<varai-recommendations>`: a carousel of frames ranked for the shopper's last face
 * analysis (photo, live or questions), each with its fit badges and reasons. It refreshes
 * when a try-on or the frame finder produces a new analysis.
 */
export class VaraiRecommendationsElement extends VaraiElement<typeof RecommendationsAttributesSchema> {
  static observedAttributes = ["limit", "exclude-product", "lang"];
  protected readonly schema = RecommendationsAttributesSchema;
  protected readonly css = CSS;
  private items: Array<{ item: RecommendationItem; product: WidgetProduct | undefined }> = [];
  private state: "loading" | "ready" | "empty" | "error" = "loading";
  private requestSeq = 0;
  private readonly onAnalysis = () => void this.load();

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener(ANALYSIS_EVENT, this.onAnalysis);
  }

  disconnectedCallback(): void {
    removeEventListener(ANALYSIS_EVENT, this.onAnalysis);
  }

  protected override ready(): void {
    void this.load();
  }

  protected override attributesChanged(): void {
    void this.load();
  }

  async load(): Promise<void> {
    const seq = ++this.requestSeq;
    const input = recommendationInput(readLastAnalysis());
    const limit = this.attrs.limit ?? this.config.recommendations.limit;
    const exclude = this.attrs["exclude-product"];
    try {
      const response = await this.runtime.client.recommend({
        ...input,
        ...personalisation(this.runtime.shopper),
        limit: exclude ? limit + 1 : limit,
      });
      const items = response.items.filter((i) => i.productId !== exclude).slice(0, limit);
      const products = items.length ? await this.runtime.products({ ids: items.map((i) => i.productId) }) : [];
      if (seq !== this.requestSeq) return;
      const byId = new Map(products.map((p) => [p.id, p]));
      this.items = items.map((item) => ({ item, product: byId.get(item.productId) }));
      this.state = this.items.length ? "ready" : "empty";
      if (this.items.length) {
        this.runtime.events.track("recommendation_shown", {
          properties: { count: this.items.length, personalised: Boolean(input.measurements || input.faceShape) },
        });
      }
    } catch {
      if (seq !== this.requestSeq) return;
      this.state = Object.keys(input).length ? "error" : "empty";
    }
    this.render();
  }

  protected render(): void {
    const t = this.t;
    const heading = esc(this.attrs.heading ?? t("recommendationsTitle"));
    let body: string;
    if (this.state === "loading") body = `<p class="status" role="status">${esc(t("loading"))}</p>`;
    else if (this.state === "empty") body = `<p class="status">${esc(t("recommendationsEmpty"))}</p>`;
    else if (this.state === "error") body = `<p class="status error">${esc(t("error"))}</p>`;
    else
      body = `<div class="nav"><button type="button" class="prev" aria-label="${esc(t("previous"))}">‹</button><button type="button" class="next" aria-label="${esc(t("nextItems"))}">›</button></div>
        <ul class="track" role="list" aria-labelledby="rec-title">${this.items
          .map(({ item, product }, i) => productCard(item, product, i + 1, t, this.locale))
          .join("")}</ul>`;
    this.setHtml(
      `<section aria-labelledby="rec-title" aria-roledescription="carousel"><h2 id="rec-title">${heading}</h2><div class="wrap">${body}</div></section>`,
    );
    const track = this.$(".track");
    const step = () => (track?.clientWidth ?? 300) * 0.8;
    this.$(".prev")?.addEventListener("click", () => track?.scrollBy({ left: -step() }));
    this.$(".next")?.addEventListener("click", () => track?.scrollBy({ left: step() }));
    for (const link of this.root.querySelectorAll<HTMLElement>(".title")) {
      link.addEventListener("click", (e) => {
        const productId = link.dataset.id ?? "";
        const rank = this.items.findIndex((x) => x.item.productId === productId) + 1;
        this.runtime.events.track("recommendation_clicked", { productId, properties: { rank } });
        if (!this.emit("varai:product-select", { productId, rank, source: "recommendations" }, true))
          e.preventDefault();
      });
    }
  }
}
