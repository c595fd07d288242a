import { describe, expect, it } from "vitest";
import { badgeLabel, createTranslator, LOCALES, pickLocale } from "./i18n.ts";

describe("i18n", () => {
  it("picks the first supported language, matching regional variants to their base", () => {
    expect(pickLocale([null, "fr-CA", "de"])).toBe("fr");
    expect(pickLocale(["es-ES", "de_AT"])).toBe("de");
  });

  it("falls back to English when nothing is supported", () => {
    expect(pickLocale(["ja", undefined, ""])).toBe("en");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    const t = createTranslator("fr");
    expect(t("pd", { value: "63.0", error: "2.7" })).toBe("EP 63.0 ± 2.7 mm");
    expect(createTranslator("en")("resultAlt", {})).toBe("You wearing {title}");
  });

  it("translates every English key into every other language", () => {
    const keys = Object.keys(LOCALES.en).sort();
    for (const [locale, messages] of Object.entries(LOCALES)) {
      expect(Object.keys(messages).sort(), locale).toEqual(keys);
      for (const key of keys) expect((messages as Record<string, string>)[key], `${locale}.${key}`).not.toBe("");
    }
    expect(createTranslator("de")("addToCart")).toBe("In den Warenkorb");
  });

  it("labels known fit badges in the shopper's language and humanises unknown ones", () => {
    expect(badgeLabel("width-match", createTranslator("en"))).toBe("Fits your face width");
    expect(badgeLabel("width-match", createTranslator("de"))).toBe("Passt zu Ihrer Gesichtsbreite");
    expect(badgeLabel("temple-long", createTranslator("fr"))).toBe("Temple long");
  });
});
