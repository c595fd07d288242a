/*
 * Attribution: the VARAi widget keeps its session id in sessionStorage ("varai:session"). This
 * copies it into a first-party cookie so the checkout (a later page, maybe without the widget)
 * can store it on the order as _varai_session. Only loaded on pages that show the widget.
 */
(() => {
  const copy = () => {
    let id = null;
    try {
      id = window.sessionStorage.getItem("varai:session");
    } catch {
      return; // storage blocked: no attribution, nothing else changes
    }
    if (!id || !/^[A-Za-z0-9_-]{1,128}$/.test(id)) return;
    const secure = location.protocol === "https:" ? "; Secure" : "";
    // biome-ignore lint/suspicious/noDocumentCookie: the checkout reads it server-side; cookieStore is not in every browser.
    document.cookie = `varai_session=${id}; path=/; max-age=2592000; SameSite=Lax${secure}`;
  };
  let tries = 0;
  const timer = setInterval(() => {
    copy();
    tries += 1;
    if (tries >= 20) clearInterval(timer);
  }, 500);
  window.addEventListener("pagehide", copy);
  document.addEventListener("click", copy, true);
})();
