/* Editor side of the varai/try-on block, written against the wp.* globals so it needs no build. */
((blocks, element, blockEditor, components, i18n) => {
  var el = element.createElement;
  var __ = i18n.__;
  blocks.registerBlockType("varai/try-on", {
    edit: (props) => {
      var attrs = props.attributes;
      return el(
        "div",
        blockEditor.useBlockProps(),
        el(
          blockEditor.InspectorControls,
          null,
          el(
            components.PanelBody,
            { title: __("Product", "varai-try-on") },
            el(components.TextControl, {
              label: __("Product ID (empty: this page's product)", "varai-try-on"),
              value: attrs.productId,
              onChange: (v) => {
                props.setAttributes({ productId: v });
              },
            }),
            el(components.TextControl, {
              label: __("SKU (empty: the product's SKU)", "varai-try-on"),
              value: attrs.sku,
              onChange: (v) => {
                props.setAttributes({ sku: v });
              },
            }),
          ),
        ),
        el("button", { type: "button", className: "button", disabled: true }, __("Try on (VARAi)", "varai-try-on")),
      );
    },
    save: () => null,
  });
})(window.wp.blocks, window.wp.element, window.wp.blockEditor, window.wp.components, window.wp.i18n);
