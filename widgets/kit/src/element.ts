import type { z } from "zod";
import { DEFAULT_WIDGET_CONFIG, parseAttributes, ShopperAttributesSchema, type WidgetConfig } from "./config.ts";
import { createTranslator, type Locale, pickLocale, type Translate } from "./i18n.ts";
import { getRuntime, type WidgetRuntime } from "./runtime.ts";
import { BASE_CSS, themeCss } from "./styles.ts";

/**
 * Base of every VARAi element: an open shadow root (the host theme cannot leak in, and
 * tests can look inside), attributes parsed with a zod schema, the tenant config and
 * language resolved before the first render.
 */
export abstract class VaraiElement<S extends z.ZodObject> extends HTMLElement {
  protected abstract readonly schema: S;
  protected abstract readonly css: string;
  protected readonly root: ShadowRoot;
  protected attrs!: z.infer<S>;
  protected config: WidgetConfig = DEFAULT_WIDGET_CONFIG;
  protected locale: Locale = "en";
  protected t: Translate = createTranslator("en");
  protected runtime!: WidgetRuntime;
  private connectedOnce = false;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
  }

  connectedCallback(): void {
    this.runtime = getRuntime();
    this.readAttributes();
    if (this.connectedOnce) return;
    this.connectedOnce = true;
    void this.runtime.config.then((config) => {
      this.config = config;
      this.resolveLocale();
      this.render();
      this.ready();
    });
  }

  attributeChangedCallback(): void {
    if (!this.runtime) return;
    this.readAttributes();
    this.resolveLocale();
    this.attributesChanged();
  }

  private readAttributes(): void {
    this.attrs = parseAttributes(this.schema, (name) => this.getAttribute(name)).value;
    // The shopper is the page's, whichever element names it (see ShopperAttributesSchema).
    const shopper = parseAttributes(ShopperAttributesSchema, (name) => this.getAttribute(name)).value;
    if (shopper["shopper-id"]) {
      this.runtime.identify({
        shopperId: shopper["shopper-id"],
        ...(shopper["shopper-email"] ? { shopperEmail: shopper["shopper-email"] } : {}),
        consent: shopper["shopper-consent"] === true,
      });
    }
  }

  private resolveLocale(): void {
    const attrs = this.attrs as { lang?: string };
    this.locale = pickLocale([
      attrs.lang,
      this.closest("[lang]")?.getAttribute("lang"),
      this.config.locale,
      ...(navigator.languages ?? [navigator.language]),
    ]);
    this.t = createTranslator(this.locale);
  }

  /** Writes the shadow root's styles and markup. */
  protected setHtml(html: string): void {
    this.root.innerHTML = `<style>${themeCss(this.config.theme)}${BASE_CSS}${this.css}</style>${html}`;
  }

  protected $<E extends Element = HTMLElement>(selector: string): E | null {
    return this.root.querySelector<E>(selector);
  }

  /** Dispatches a `varai:*` event the host page (and platform integrations) can listen to. */
  protected emit<T>(name: string, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
  }

  protected abstract render(): void;
  /** After the first render. */
  protected ready(): void {}
  protected attributesChanged(): void {
    this.render();
  }
}
