/*
 * VARAi on a Shopify storefront: the shopper's VARAi session id (kept by the widgets in
 * sessionStorage "varai:session") travels with the cart as the attribute _varai_session, which the
 * orders/paid webhook maps to a purchase of that session. Loaded by the app embed and the app
 * block; idempotent.
 */
(() => {
  if (window.__varaiCart) return;
  window.__varaiCart = true;
  var ATTRIBUTE = "_varai_session";
  var root = window.Shopify?.routes?.root || "/";

  function session() {
    try {
      return sessionStorage.getItem("varai:session");
    } catch (_e) {
      return null;
    }
  }

  function post(path, body) {
    return fetch(root + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then((r) => {
      if (!r.ok) throw new Error(`cart ${r.status}`);
      return r.json();
    });
  }

  // The theme's own add-to-cart forms carry the attribute too.
  document.addEventListener(
    "submit",
    (event) => {
      var form = event.target;
      var id = session();
      if (!id || !form?.action || form.action.indexOf("/cart/add") === -1) return;
      var input = form.querySelector(`input[name="attributes[${ATTRIBUTE}]"]`);
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = `attributes[${ATTRIBUTE}]`;
        form.appendChild(input);
      }
      input.value = id;
    },
    true,
  );

  // "Add to cart" inside the try-on dialog: the widget calls this hook with the product's SKU.
  window.VARAi = window.VARAi || {};
  window.VARAi.addToCart = (detail) => {
    var el = document.querySelector(`varai-try-on[sku="${String(detail.sku).replace(/"/g, '\\"')}"]`);
    var variant = el?.getAttribute("data-variant-id");
    if (!variant) return Promise.reject(new Error("no variant for this frame"));
    var attributes = {};
    var id = session();
    if (id) attributes[ATTRIBUTE] = id;
    return post("cart/add.js", { items: [{ id: Number(variant), quantity: 1 }] }).then(() =>
      id ? post("cart/update.js", { attributes: attributes }) : null,
    );
  };
})();
