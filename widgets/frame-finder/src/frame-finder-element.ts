/// <reference lib="dom" />
import { VaraiApiError } from "@varai/clients";
import type { RecommendationItem, RecommendationRequest, Withheld } from "@varai/schema";
import {
  CARD_CSS,
  esc,
  FrameFinderAttributesSchema,
  type MessageKey,
  personalisation,
  productCard,
  retakeAdvice,
  saveLastAnalysis,
  VaraiElement,
  type WidgetProduct,
} from "@varai/widget-kit";
import { type FinderAnswers, requestFromAnswers, SIZE_ANSWERS, STYLE_ANSWERS, USAGE_ANSWERS } from "./answers.ts";

const CSS = `
${CARD_CSS}
.panel{border:1px solid #e3e3e3;border-radius:var(--_radius);padding:1em 1.2em}
h2{font-size:1.2em;margin:0 0 .4em}
fieldset{border:none;padding:0;margin:0 0 .8em}
legend{font-weight:600;margin-bottom:.5em}
.choices{display:flex;gap:.5em;flex-wrap:wrap}
.choices label{display:flex;align-items:center;gap:.4em;border:1px solid #ccc;border-radius:var(--_radius);padding:.5em .9em;min-height:44px;cursor:pointer}
.choices input:checked+span{font-weight:700}
.row{display:flex;gap:.6em;flex-wrap:wrap;margin-top:.6em}
ol.results{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.8em;padding:0;margin:.6em 0}
`;

type Step = "intro" | "style" | "usage" | "size" | "scanning" | "results";

const QUESTIONS = [
  {
    step: "style",
    key: "styleQuestion",
    answers: STYLE_ANSWERS,
    labels: ["styleClassic", "styleBold", "styleMinimal"],
  },
  {
    step: "usage",
    key: "usageQuestion",
    answers: USAGE_ANSWERS,
    labels: ["usageEveryday", "usageScreen", "usageOccasion"],
  },
  { step: "size", key: "sizeQuestion", answers: SIZE_ANSWERS, labels: ["sizeNarrow", "sizeAverage", "sizeWide"] },
] as const;

/**
 * `<varai-frame-finder>`: a short guided flow, a face scan from a photo or three questions
 * (style, usage, size), ending in ranked frames with fit badges and reasons.
 */
export class VaraiFrameFinderElement extends VaraiElement<typeof FrameFinderAttributesSchema> {
  static observedAttributes = ["limit", "lang"];
  protected readonly schema = FrameFinderAttributesSchema;
  protected readonly css = CSS;
  private step: Step = "intro";
  private answers: Partial<FinderAnswers> = {};
  private results: Array<{ item: RecommendationItem; product: WidgetProduct | undefined }> = [];
  private message = "";

  protected override ready(): void {
    this.runtime.events.track("widget_shown", { properties: { widget: "frame-finder" } });
  }

  protected render(): void {
    const t = this.t;
    let body = "";
    const q = QUESTIONS.find((x) => x.step === this.step);
    if (this.step === "intro") {
      body = `<p>${esc(t("finderIntro"))}</p>
        <div class="row">
          <label class="btn primary">${esc(t("scanFace"))}<input class="sr-only file" type="file" accept="image/*"></label>
          <button type="button" class="questions">${esc(t("answerQuestions"))}</button>
        </div>
        <p class="privacy">${esc(t("photoPrivacy"))}</p>`;
    } else if (q) {
      const chosen = this.answers[q.step];
      body = `<form class="question"><fieldset><legend>${esc(t(q.key))}</legend><div class="choices">${q.answers
        .map(
          (a, i) =>
            `<label><input type="radio" name="${q.step}" value="${a}" ${chosen === a || (!chosen && i === 1) ? "checked" : ""}><span>${esc(t(q.labels[i] as MessageKey))}</span></label>`,
        )
        .join("")}</div></fieldset>
        <div class="row"><button type="button" class="back">${esc(t("back"))}</button>
        <button type="submit" class="primary">${esc(t(q.step === "size" ? "showResults" : "next"))}</button></div></form>`;
    } else if (this.step === "scanning") {
      body = `<p role="status">${esc(t("rendering"))}</p>`;
    } else {
      body = this.results.length
        ? `<h3 id="results-title">${esc(t("resultsTitle"))}</h3><ol class="results" aria-labelledby="results-title">${this.results
            .map(({ item, product }, i) => productCard(item, product, i + 1, t, this.locale))
            .join("")}</ol>`
        : `<p>${esc(t("noResults"))}</p>`;
      body += `<div class="row"><button type="button" class="restart">${esc(t("startOver"))}</button></div>`;
    }
    this.setHtml(
      `<section class="panel" aria-labelledby="finder-title"><h2 id="finder-title">${esc(t("finderTitle"))}</h2>
       <div class="status${this.message ? " error" : ""}" role="status" aria-live="polite">${esc(this.message)}</div>${body}</section>`,
    );
    this.bind();
  }

  private bind(): void {
    const input = this.$<HTMLInputElement>(".file");
    input?.addEventListener("change", () => {
      const file = input.files?.[0];
      if (file) void this.scan(file);
    });
    this.$(".questions")?.addEventListener("click", () => this.go("style"));
    this.$(".restart")?.addEventListener("click", () => {
      this.answers = {};
      this.go("intro");
    });
    this.$(".back")?.addEventListener("click", () => {
      const i = QUESTIONS.findIndex((x) => x.step === this.step);
      this.go(i <= 0 ? "intro" : QUESTIONS[i - 1]!.step);
    });
    const form = this.$<HTMLFormElement>("form.question");
    form?.addEventListener("submit", (e) => {
      e.preventDefault();
      const i = QUESTIONS.findIndex((x) => x.step === this.step);
      const q = QUESTIONS[i]!;
      const value = new FormData(form).get(q.step);
      if (typeof value === "string") (this.answers as Record<string, string>)[q.step] = value;
      if (i < QUESTIONS.length - 1) this.go(QUESTIONS[i + 1]!.step);
      else void this.finishQuestions();
    });
    for (const link of this.root.querySelectorAll<HTMLElement>(".title")) {
      link.addEventListener("click", (e) => {
        const productId = link.dataset.id ?? "";
        const rank = this.results.findIndex((x) => x.item.productId === productId) + 1;
        this.runtime.events.track("recommendation_clicked", { productId, properties: { rank, source: "finder" } });
        if (!this.emit("varai:product-select", { productId, rank, source: "frame-finder" }, true)) e.preventDefault();
      });
    }
  }

  private go(step: Step): void {
    this.step = step;
    this.message = "";
    this.render();
    // Move focus to the new step's first control so keyboard and screen reader users follow along.
    (
      this.$<HTMLElement>("input:checked") ??
      this.$<HTMLElement>(".results .title") ??
      this.$<HTMLElement>("button, input")
    )?.focus();
  }

  private async finishQuestions(): Promise<void> {
    const answers = { style: "classic", usage: "everyday", size: "average", ...this.answers } as FinderAnswers;
    const request = requestFromAnswers(answers, this.attrs.limit);
    saveLastAnalysis({ ...request.measurements, source: "questions" });
    await this.showResults(request, requestFromAnswers(answers, this.attrs.limit, true));
  }

  private async scan(file: Blob): Promise<void> {
    this.go("scanning");
    try {
      const a = await this.runtime.client.analyzeFace(file);
      const { measurements: m, faceShape } = a;
      // Withheld figures recommend nothing: back to the start, with how to retake the photo.
      if (m.status === "withheld") return this.retake(m);
      if (faceShape.status === "withheld") return this.retake(faceShape);
      const measurements = {
        pupillaryDistanceMm: m.pupillaryDistance.valueMm,
        faceWidthMm: m.faceWidth.valueMm,
      };
      saveLastAnalysis({ ...measurements, faceShape: faceShape.label, source: "photo" });
      this.runtime.events.track("face_analyzed", { properties: { source: "finder" } });
      const request = a.id
        ? { faceAnalysisId: a.id, limit: this.attrs.limit }
        : { measurements, faceShape: faceShape.label, limit: this.attrs.limit };
      await this.showResults(request);
    } catch (error) {
      this.step = "intro";
      this.render();
      this.message = this.t(error instanceof VaraiApiError && error.code === "NO_FACE" ? "noFace" : "error");
      this.render();
    }
  }

  private retake(withheld: Withheld): void {
    this.step = "intro";
    this.message = this.t(retakeAdvice(withheld));
    this.render();
  }

  private async showResults(
    request: Partial<RecommendationRequest>,
    fallback?: Partial<RecommendationRequest>,
  ): Promise<void> {
    try {
      const who = personalisation(this.runtime.shopper);
      let response = await this.runtime.client.recommend({ ...request, ...who });
      if (response.items.length === 0 && fallback)
        response = await this.runtime.client.recommend({ ...fallback, ...who });
      const products = response.items.length
        ? await this.runtime.products({ ids: response.items.map((i) => i.productId) })
        : [];
      const byId = new Map(products.map((p) => [p.id, p]));
      this.results = response.items.map((item) => ({ item, product: byId.get(item.productId) }));
      this.runtime.events.track("recommendation_shown", {
        properties: { count: this.results.length, source: "finder" },
      });
      this.go("results");
    } catch {
      this.results = [];
      this.go("results");
      this.message = this.t("error");
      this.render();
    }
  }
}
