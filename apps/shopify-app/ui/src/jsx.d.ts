import "react";

// App Bridge's navigation menu (a custom element defined by app-bridge.js): its links show in the
// admin's sidebar, not in the frame.
declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "ui-nav-menu": React.DetailedHTMLProps<React.HTMLAttributes<HTMLElement>, HTMLElement>;
    }
  }
}
