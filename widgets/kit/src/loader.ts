/// <reference lib="dom" />
/**
 * `varai.js`: the only script a storefront adds. It stays tiny (budget 15 KB gzipped; it
 * is a few hundred bytes): it reads its own tag, then loads an element's chunk the first
 * time that element appears in the page. Chunk names carry content hashes and are filled
 * in at build time.
 */
declare const __VARAI_CHUNKS__: Record<string, string>;

type Boot = { base: string; key: string | null; loaded?: boolean; load?: (tag: string) => Promise<unknown> };

(() => {
  const w = window as unknown as { VARAi?: Boot };
  if (w.VARAi?.loaded) return;
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[src*="/widget/varai.js"]');
  const src = script?.src ?? `${location.origin}/widget/varai.js`;
  const base = src.replace(/\/widget\/varai\.js(?:[?#].*)?$/, "");
  const chunks = __VARAI_CHUNKS__;
  const loading: Record<string, Promise<unknown>> = {};
  const load = (tag: string) =>
    (loading[tag] ??= chunks[tag] ? import(`${base}/widget/chunks/${chunks[tag]}`) : Promise.resolve());
  w.VARAi = { ...w.VARAi, base, key: script?.dataset.key ?? w.VARAi?.key ?? null, loaded: true, load };

  const scan = (root: ParentNode) => {
    for (const tag in chunks) if (!loading[tag] && root.querySelector(tag)) void load(tag);
  };
  scan(document);
  new MutationObserver((records) => {
    for (const record of records)
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        const el = node as Element;
        const tag = el.localName;
        if (chunks[tag]) void load(tag);
        scan(el);
      }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
