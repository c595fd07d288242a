/*
 * Attribution: the VARAi widget keeps its session id in sessionStorage ("varai:session"). This
 * copies it into a first-party cookie so the checkout (a later page, maybe without the widget)
 * can store it on the order as _varai_session. Only loaded on pages that show the widget.
 */
(function () {
  var copy = function () {
    try {
      var id = window.sessionStorage.getItem("varai:session");
      if (id && /^[A-Za-z0-9_-]{1,128}$/.test(id)) {
        document.cookie = "varai_session=" + id + "; path=/; max-age=2592000; SameSite=Lax" +
          (location.protocol === "https:" ? "; Secure" : "");
      }
    } catch (e) {
      /* storage blocked: no attribution, nothing else changes */
    }
  };
  var tries = 0;
  var timer = setInterval(function () {
    copy();
    if (++tries >= 20) clearInterval(timer);
  }, 500);
  window.addEventListener("pagehide", copy);
  document.addEventListener("click", copy, true);
})();
