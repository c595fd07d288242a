/// <reference lib="dom" />
import { VaraiApiError } from "@varai/clients";
import type { Withheld } from "@varai/schema";
import {
  createOneEuroFilterSet,
  esc,
  formatPrice,
  retakeAdvice,
  saveLastAnalysis,
  TryOnAttributesSchema,
  trapFocus,
  VaraiElement,
  type WidgetProduct,
} from "@varai/widget-kit";
import { drawFrame, drawFrameAsset } from "./draw-frame.ts";
import type { FaceTracker } from "./live.ts";
import { type Placement, summarisePd } from "./placement.ts";

const MAX_PHOTO_BYTES = 15 * 1024 * 1024;
const MAX_UPLOAD_EDGE = 1280;

export interface AddToCartDetail {
  productId: string;
  sku: string;
  source: "try-on";
}

export interface LiveStats {
  running: boolean;
  backend: string | null;
  /** Face detections per second over the last second. */
  fps: number;
  detections: number;
  /** Frames in which a face was found and a frame drawn. */
  tracked: number;
  pd: { valueMm: number; uncertaintyMm: number } | null;
}

const CSS = `
.open{display:inline-flex;align-items:center;gap:.4em}
dialog{border:none;border-radius:var(--_radius);padding:0;max-width:min(760px,96vw);width:100%;background:var(--_bg);color:var(--_fg);box-shadow:0 20px 60px rgba(0,0,0,.35)}
dialog::backdrop{background:rgba(0,0,0,.55)}
.inline{border:1px solid #ddd;border-radius:var(--_radius)}
.body{padding:1em 1.2em 1.2em}
header{display:flex;justify-content:space-between;align-items:center;padding:.8em 1.2em;border-bottom:1px solid #e5e5e5}
h2{margin:0;font-size:1.2em}
.close{border:none;font-size:1.4em;min-width:44px;padding:0}
[role=tablist]{display:flex;gap:.5em;margin-bottom:.8em}
[role=tab][aria-selected=true]{background:var(--_primary);color:var(--_on-primary)}
.drop{border:2px dashed #b5b5b5;border-radius:var(--_radius);padding:1.2em;text-align:center}
.drop.over{border-color:var(--_primary);background:rgba(31,79,209,.06)}
.stage{position:relative;margin-top:.8em;background:#f3f3f3;border-radius:var(--_radius);overflow:hidden;display:flex;justify-content:center;min-height:120px}
.stage img,.stage canvas{display:block;max-width:100%;height:auto}
.privacy{font-size:.85em;opacity:.8;margin:.5em 0 0}
.frames{display:flex;gap:.4em;overflow-x:auto;padding:.4em 0;margin:.6em 0}
.frames button{flex:0 0 auto;display:flex;flex-direction:column;align-items:center;font-size:.8em;max-width:120px;padding:.3em .5em}
.frames img{width:72px;height:40px;object-fit:contain}
.actions{display:flex;gap:.6em;flex-wrap:wrap;justify-content:flex-end}
.measure{font-size:.92em;margin:.3em 0}
.measure.retake{border-left:4px solid var(--_primary);background:rgba(31,79,209,.06);padding:.5em .7em;border-radius:4px}
`;

/**
 * `<varai-try-on product-id="prd_…">`: a button that opens a try-on dialog. Photo mode
 * sends the photo to the server renderer; live mode tracks the face on the device and
 * draws the frame on a canvas, so nothing leaves the page.
 */
export class VaraiTryOnElement extends VaraiElement<typeof TryOnAttributesSchema> {
  static observedAttributes = ["product-id", "sku", "products", "lang", "label"];
  protected readonly schema = TryOnAttributesSchema;
  protected readonly css = CSS;

  private products: WidgetProduct[] = [];
  private current: WidgetProduct | null = null;
  /** Decoded try-on assets for live mode, by product id (null while loading or when it failed). */
  private assetImages = new Map<string, ImageBitmap | null>();
  private mode: "photo" | "live" = "photo";
  private photo: Blob | null = null;
  private renders = new Map<string, Blob>();
  private renderUrl: string | null = null;
  private releaseTrap: (() => void) | null = null;
  private live: {
    stream: MediaStream;
    tracker: FaceTracker;
    video: HTMLVideoElement;
    running: boolean;
    pose: Placement | null;
    pdSamples: number[];
    faceWidths: number[];
    times: number[];
    detections: number;
    tracked: number;
  } | null = null;
  private liveStarting = false;

  get liveStats(): LiveStats {
    const l = this.live;
    const now = performance.now();
    return {
      running: Boolean(l?.running),
      backend: l ? l.tracker.backend : null,
      fps: l ? l.times.filter((t) => now - t <= 1000).length : 0,
      detections: l?.detections ?? 0,
      tracked: l?.tracked ?? 0,
      pd: l ? summarisePd(l.pdSamples) : null,
    };
  }

  get productId(): string | null {
    return this.current?.id ?? null;
  }

  protected override ready(): void {
    void this.loadProducts();
    this.runtime.events.track("widget_shown", {
      productId: this.attrs["product-id"],
      properties: { widget: "try-on" },
    });
  }

  protected override attributesChanged(): void {
    void this.loadProducts();
  }

  disconnectedCallback(): void {
    this.stopLive();
  }

  private async loadProducts(): Promise<void> {
    const { sku, products: ids } = this.attrs;
    const productId = this.attrs["product-id"];
    try {
      const [main, list] = await Promise.all([
        productId
          ? this.runtime.products({ ids: [productId] })
          : sku
            ? this.runtime.products({ sku })
            : Promise.resolve([]),
        ids?.length ? this.runtime.products({ ids }) : this.runtime.products({ limit: 12 }),
      ]);
      const first = main[0] ?? list[0] ?? null;
      this.current = first;
      this.products = first ? [first, ...list.filter((p) => p.id !== first.id)] : list;
    } catch {
      this.products = [];
      this.current = null;
    }
    this.renderFrames();
    const open = this.$<HTMLButtonElement>(".open");
    if (open) open.disabled = !this.current;
  }

  protected render(): void {
    const t = this.t;
    const inline = this.attrs.inline === true;
    const liveEnabled = this.config.features.liveTryOn;
    const panel = `
      ${inline ? "" : `<header><h2 id="title">${esc(t("tryOnTitle"))}</h2><button type="button" class="close" aria-label="${esc(t("close"))}">×</button></header>`}
      <div class="body">
        <div role="tablist" aria-label="${esc(t("tryOnTitle"))}">
          <button type="button" role="tab" id="tab-photo" aria-controls="panel-photo" aria-selected="true">${esc(t("photoTab"))}</button>
          ${liveEnabled ? `<button type="button" role="tab" id="tab-live" aria-controls="panel-live" aria-selected="false" tabindex="-1">${esc(t("liveTab"))}</button>` : ""}
        </div>
        <div role="tabpanel" id="panel-photo" aria-labelledby="tab-photo">
          <div class="drop">
            <p id="drop-hint">${esc(t("uploadPrompt"))}</p>
            <label class="btn primary">${esc(t("choosePhoto"))}<input class="sr-only file" type="file" accept="image/*" aria-describedby="drop-hint"></label>
            <p class="privacy">${esc(t("photoPrivacy"))}</p>
          </div>
          <div class="stage photo-stage" hidden><img class="result" alt=""></div>
        </div>
        <div role="tabpanel" id="panel-live" aria-labelledby="tab-live" hidden>
          <button type="button" class="camera primary">${esc(t("startCamera"))}</button>
          <p class="privacy">${esc(t("livePrivacy"))}</p>
          <div class="stage live-stage" hidden><canvas class="live" role="img" width="640" height="480"></canvas></div>
        </div>
        <div class="status" role="status" aria-live="polite"></div>
        <p class="measure" aria-live="polite"></p>
        <div class="frames" role="group" aria-label="${esc(t("framesLabel"))}"></div>
        <div class="actions">
          <button type="button" class="snapshot" disabled>${esc(t("snapshot"))}</button>
          ${this.config.features.addToCart ? `<button type="button" class="primary cart">${esc(t("addToCart"))}</button>` : ""}
        </div>
      </div>`;
    this.setHtml(
      inline
        ? `<section class="inline" aria-label="${esc(t("tryOnTitle"))}">${panel}</section>`
        : `<button type="button" class="open primary" aria-haspopup="dialog" ${this.current ? "" : "disabled"}>${esc(this.attrs.label || t("tryOn"))}</button>
           <dialog aria-labelledby="title" aria-modal="true">${panel}</dialog>`,
    );
    this.bind();
    this.renderFrames();
    if (this.attrs.mode === "live" && inline) this.selectTab("live");
  }

  private bind(): void {
    const dialog = this.$<HTMLDialogElement>("dialog");
    this.$(".open")?.addEventListener("click", () => this.openDialog());
    this.$(".close")?.addEventListener("click", () => dialog?.close());
    dialog?.addEventListener("close", () => this.onDialogClosed());
    dialog?.addEventListener("click", (e) => {
      if (e.target === dialog) dialog.close(); // click on the backdrop
    });

    const tabs = [this.$("#tab-photo"), this.$("#tab-live")].filter(Boolean) as HTMLElement[];
    for (const tab of tabs) {
      tab.addEventListener("click", () => this.selectTab(tab.id === "tab-live" ? "live" : "photo"));
      tab.addEventListener("keydown", (e) => {
        if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
        e.preventDefault();
        const next = tab.id === "tab-live" ? "photo" : "live";
        if (tabs.length > 1) {
          this.selectTab(next);
          this.$<HTMLElement>(`#tab-${next}`)?.focus();
        }
      });
    }

    const input = this.$<HTMLInputElement>(".file");
    input?.addEventListener("change", () => {
      const file = input.files?.[0];
      if (file) void this.usePhoto(file);
      input.value = "";
    });
    const drop = this.$(".drop");
    drop?.addEventListener("dragover", (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
    drop?.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop?.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const file = (e as DragEvent).dataTransfer?.files?.[0];
      if (file) void this.usePhoto(file);
    });

    this.$(".camera")?.addEventListener("click", () => (this.live ? this.stopLive() : void this.startLive()));
    this.$(".snapshot")?.addEventListener("click", () => void this.snapshot());
    this.$(".cart")?.addEventListener("click", () => void this.addToCart());
  }

  openDialog(): void {
    const dialog = this.$<HTMLDialogElement>("dialog");
    if (!dialog || dialog.open) return;
    dialog.showModal();
    this.releaseTrap = trapFocus(dialog, this.$(".open"));
    this.$<HTMLElement>("#tab-photo")?.focus();
    this.runtime.events.track("try_on_started", { productId: this.current?.id, properties: { step: "open" } });
  }

  private onDialogClosed(): void {
    this.stopLive();
    this.releaseTrap?.();
    this.releaseTrap = null;
  }

  private selectTab(mode: "photo" | "live"): void {
    this.mode = mode;
    for (const m of ["photo", "live"] as const) {
      const tab = this.$(`#tab-${m}`);
      tab?.setAttribute("aria-selected", String(m === mode));
      tab?.setAttribute("tabindex", m === mode ? "0" : "-1");
      const panel = this.$(`#panel-${m}`);
      if (panel) panel.hidden = m !== mode;
    }
    if (mode === "photo") this.stopLive();
    this.updateSnapshotButton();
  }

  private renderFrames(): void {
    const box = this.$(".frames");
    if (!box) return;
    box.innerHTML = this.products
      .map(
        (p) => `<button type="button" data-id="${esc(p.id)}" aria-pressed="${p.id === this.current?.id}">
          ${p.imageUrl ? `<img src="${esc(p.imageUrl)}" alt="">` : ""}<span>${esc(p.title)}</span>
          <span class="price">${esc(formatPrice(p.price, this.locale))}</span></button>`,
      )
      .join("");
    for (const button of box.querySelectorAll<HTMLButtonElement>("button")) {
      button.addEventListener("click", () => this.selectProduct(button.dataset.id ?? ""));
    }
  }

  /**
   * The merchant's frame image for live mode, fetched once per product with the publishable key.
   * Until it has arrived (or if it cannot be had) live mode draws the frame from its dimensions.
   */
  private assetImage(product: WidgetProduct): ImageBitmap | null {
    if (!product.asset) return null;
    if (this.assetImages.has(product.id)) return this.assetImages.get(product.id) ?? null;
    this.assetImages.set(product.id, null);
    const headers: Record<string, string> = this.runtime.key ? { "X-VARAi-Key": this.runtime.key } : {};
    void fetch(`${this.runtime.base}${product.asset.path}`, { headers })
      .then((res) => (res.ok ? res.blob() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then((blob) => createImageBitmap(blob))
      .then((bitmap) => this.assetImages.set(product.id, bitmap))
      .catch(() => undefined);
    return null;
  }

  /** Quick switching: a live canvas redraws on the next frame; a photo re-renders (cached per frame). */
  selectProduct(id: string): void {
    const next = this.products.find((p) => p.id === id);
    if (!next || next.id === this.current?.id) return;
    this.current = next;
    for (const b of this.root.querySelectorAll<HTMLButtonElement>(".frames button")) {
      b.setAttribute("aria-pressed", String(b.dataset.id === id));
    }
    this.emit("varai:frame-change", { productId: id });
    this.runtime.events.track("product_viewed", { productId: id, properties: { source: "try-on" } });
    if (this.mode === "photo" && this.photo) void this.renderPhoto();
    this.updateLiveLabel();
  }

  private status(text: string, error = false): void {
    const el = this.$(".status");
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("error", error);
  }

  async usePhoto(file: Blob): Promise<void> {
    if (!file.type.startsWith("image/") || file.size > MAX_PHOTO_BYTES) {
      this.status(this.t("error"), true);
      return;
    }
    this.photo = await downscale(file);
    this.renders.clear();
    const photo = this.photo;
    await this.renderPhoto();
    // PD and face shape after the render, not beside it: on a small server the two would share
    // the CPU and the shopper would wait longer for the picture.
    if (this.photo !== photo) return;
    // Who the shopper is, never `shopper-consent` (that is not consent to keep a face).
    const { shopperId, shopperEmail } = this.runtime.shopper;
    await this.runtime.client
      .analyzeFace(photo, { ...(shopperId ? { shopperId } : {}), ...(shopperEmail ? { shopperEmail } : {}) })
      .then(
        (a) => {
          const { measurements: m, faceShape } = a;
          // No numbers for a photo the method cannot measure: how to take one it can.
          if (m.status === "withheld") return this.showRetake(m);
          if (faceShape.status === "withheld") return this.showRetake(faceShape);
          saveLastAnalysis({
            ...(a.id ? { faceAnalysisId: a.id } : {}),
            pupillaryDistanceMm: m.pupillaryDistance.valueMm,
            faceWidthMm: m.faceWidth.valueMm,
            faceShape: faceShape.label,
            source: "photo",
          });
          this.showMeasure(m.pupillaryDistance.valueMm, m.pupillaryDistance.uncertaintyMm, faceShape.label);
          this.emit("varai:face-analyzed", {
            pupillaryDistanceMm: m.pupillaryDistance.valueMm,
            faceShape: faceShape.label,
          });
          this.runtime.events.track("face_analyzed", { properties: { source: "photo" } });
        },
        () => {}, // the render already reported a missing face; PD is a bonus
      );
  }

  private async renderPhoto(): Promise<void> {
    const product = this.current;
    const photo = this.photo;
    if (!product || !photo) return;
    const started = performance.now();
    this.status(this.t("rendering"));
    this.runtime.events.track("try_on_started", { productId: product.id, properties: { mode: "photo" } });
    try {
      let blob = this.renders.get(product.id);
      if (!blob) {
        blob = await this.runtime.client.tryOn({ productId: product.id, photo, format: "image/jpeg" });
        this.renders.set(product.id, blob);
      }
      if (this.current?.id !== product.id || this.photo !== photo) return; // switched meanwhile
      const img = this.$<HTMLImageElement>(".result");
      if (!img) return;
      if (this.renderUrl) URL.revokeObjectURL(this.renderUrl);
      this.renderUrl = URL.createObjectURL(blob);
      img.alt = this.t("resultAlt", { title: product.title });
      img.src = this.renderUrl;
      await img.decode().catch(() => {});
      const stage = this.$(".photo-stage");
      if (stage) stage.hidden = false;
      this.status("");
      const ms = Math.round(performance.now() - started);
      img.dataset.productId = product.id;
      this.updateSnapshotButton();
      this.emit("varai:try-on-rendered", { productId: product.id, mode: "photo", ms });
      this.runtime.events.track("try_on_rendered", { productId: product.id, properties: { mode: "photo", ms } });
    } catch (error) {
      const noFace = error instanceof VaraiApiError && error.code === "NO_FACE";
      this.status(this.t(noFace ? "noFace" : "error"), true);
    }
  }

  private showMeasure(pd: number, err: number, shape?: string): void {
    const el = this.$(".measure");
    if (!el) return;
    el.classList.remove("retake");
    delete el.dataset.reason;
    const parts = [this.t("pd", { value: pd.toFixed(1), error: err.toFixed(1) })];
    if (shape) parts.push(this.t("faceShape", { shape }));
    el.textContent = parts.join(" · ");
  }

  private showRetake(withheld: Withheld): void {
    const el = this.$(".measure");
    if (!el) return;
    el.classList.add("retake");
    el.dataset.reason = withheld.reason;
    el.textContent = this.t(retakeAdvice(withheld));
    // Below the photo, often under the dialog's fold: the shopper must see it to act on it.
    el.scrollIntoView?.({ block: "nearest" });
    this.runtime.events.track("face_analyzed", { properties: { source: "photo", withheld: withheld.reason } });
  }

  private updateLiveLabel(): void {
    const canvas = this.$("canvas.live");
    if (canvas && this.current) canvas.setAttribute("aria-label", this.t("liveAlt", { title: this.current.title }));
  }

  private updateSnapshotButton(): void {
    const b = this.$<HTMLButtonElement>(".snapshot");
    if (b) b.disabled = this.mode === "live" ? !this.live : !this.renderUrl;
  }

  async startLive(): Promise<void> {
    if (this.live || this.liveStarting) return;
    this.liveStarting = true;
    this.status(this.t("loadingModels"));
    let stream: MediaStream | null = null;
    // The tracker (code, runtime, models) loads while the shopper answers the camera prompt.
    const trackerLoading = import("./live.ts").then(({ createFaceTracker }) =>
      createFaceTracker(this.runtime.base, this.attrs["live-landmarker"]),
    );
    trackerLoading.catch(() => {}); // awaited below once the camera is granted
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" },
        audio: false,
      });
      const [tracker, video] = await Promise.all([trackerLoading, this.startVideo(stream)]);
      this.live = {
        stream,
        tracker,
        video,
        running: true,
        pose: null,
        pdSamples: [],
        faceWidths: [],
        times: [],
        detections: 0,
        tracked: 0,
      };
      const stage = this.$(".live-stage");
      if (stage) stage.hidden = false;
      const cam = this.$(".camera");
      if (cam) cam.textContent = this.t("stopCamera");
      this.updateLiveLabel();
      this.updateSnapshotButton();
      this.status(this.t("searching"));
      this.runtime.events.track("try_on_started", { productId: this.current?.id, properties: { mode: "live" } });
      void this.liveLoop();
    } catch {
      for (const track of stream?.getTracks() ?? []) track.stop();
      this.status(this.t("cameraDenied"), true);
    } finally {
      this.liveStarting = false;
    }
  }

  private async startVideo(stream: MediaStream): Promise<HTMLVideoElement> {
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    return video;
  }

  private async liveLoop(): Promise<void> {
    const yieldToEventLoop = messageChannelYield();
    const filters = createOneEuroFilterSet(["cx", "cy", "roll", "pxPerMm", "yaw"] as const, {
      minCutoff: 1.2,
      beta: 0.02,
    });
    const canvas = this.$<HTMLCanvasElement>("canvas.live");
    const ctx = canvas?.getContext("2d");
    let reported = false;
    while (this.live?.running && canvas && ctx) {
      const l = this.live;
      const { video } = l;
      if (video.videoWidth && (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight)) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
      }
      let sample = null;
      try {
        sample = await l.tracker.detect(video);
      } catch {
        sample = null;
      }
      if (!l.running) break;
      const now = performance.now();
      l.detections++;
      l.times.push(now);
      if (l.times.length > 120) l.times.splice(0, l.times.length - 120);
      if (sample) l.pose = filters.filter(sample, now);
      // The frame follows every pose; PD and face width only count where the method holds.
      if (sample?.measurable) {
        l.pdSamples.push(sample.pdMm);
        l.faceWidths.push(sample.faceWidthMm);
        if (l.pdSamples.length > 90) l.pdSamples.shift();
        if (l.faceWidths.length > 90) l.faceWidths.shift();
      }
      // Selfie view: mirror the video and everything drawn on it.
      ctx.setTransform(-1, 0, 0, 1, canvas.width, 0);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      if (l.pose && sample && this.current) {
        const image = this.assetImage(this.current);
        if (image && this.current.asset) drawFrameAsset(ctx, image, this.current.asset, l.pose);
        else drawFrame(ctx, this.current.frame, l.pose);
        l.tracked++;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      const pd = summarisePd(l.pdSamples);
      if (pd && l.tracked % 15 === 1) {
        this.showMeasure(pd.valueMm, pd.uncertaintyMm);
        if (!reported) {
          reported = true;
          this.status(this.t("tracking"));
          this.emit("varai:try-on-rendered", { productId: this.current?.id, mode: "live" });
          this.runtime.events.track("try_on_rendered", { productId: this.current?.id, properties: { mode: "live" } });
        }
        const fw = median(l.faceWidths);
        // PD and face width stay on the device; only these two numbers are kept, in this tab.
        saveLastAnalysis({ pupillaryDistanceMm: pd.valueMm, ...(fw ? { faceWidthMm: fw } : {}), source: "live" });
      }
      // A macrotask, not rAF: detection is slower than the display anyway, and rAF would add up
      // to a frame of idle time per detection. Not setTimeout either: browsers clamp nested
      // timers to 4 ms after five levels (HTML's timer rules), which this loop is.
      await yieldToEventLoop();
    }
  }

  stopLive(): void {
    const l = this.live;
    if (!l) return;
    l.running = false;
    for (const track of l.stream.getTracks()) track.stop();
    l.video.srcObject = null;
    this.live = null;
    const cam = this.$(".camera");
    if (cam) cam.textContent = this.t("startCamera");
    this.updateSnapshotButton();
  }

  private async snapshot(): Promise<void> {
    let blob: Blob | null = null;
    if (this.mode === "live" && this.live) {
      const canvas = this.$<HTMLCanvasElement>("canvas.live");
      blob = await new Promise<Blob | null>((r) => canvas?.toBlob(r, "image/jpeg", 0.9) ?? r(null));
    } else if (this.current) {
      blob = this.renders.get(this.current.id) ?? null;
    }
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `try-on-${this.current?.id ?? "frame"}.jpg`;
    this.root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /**
   * "Add to cart" is a hook: the element emits a cancelable `varai:add-to-cart` and calls
   * `window.VARAi.addToCart` when a platform integration installed one.
   */
  private async addToCart(): Promise<void> {
    const product = this.current;
    if (!product) return;
    const detail: AddToCartDetail = { productId: product.id, sku: product.sku, source: "try-on" };
    if (!this.emit("varai:add-to-cart", detail, true)) return;
    this.runtime.events.track("add_to_cart", { productId: product.id, properties: { source: "try-on" } });
    const hook = (window.VARAi as { addToCart?: (d: AddToCartDetail) => unknown } | undefined)?.addToCart;
    try {
      await hook?.(detail);
      this.status(this.t("addedToCart"));
    } catch {
      this.status(this.t("error"), true);
    }
  }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Phone photos are 12+ MP: the server needs far less, and a smaller upload renders sooner. */
async function downscale(file: Blob): Promise<Blob> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = MAX_UPLOAD_EDGE / Math.max(bitmap.width, bitmap.height);
    if (scale >= 1) {
      bitmap.close();
      return file;
    }
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return (await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/jpeg", 0.9))) ?? file;
  } catch {
    return file;
  }
}

/** A yield to the event loop through a MessageChannel: a macrotask with no timer clamp. */
function messageChannelYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}
