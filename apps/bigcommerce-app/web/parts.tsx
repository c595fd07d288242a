import { ProgressBar } from "@bigcommerce/big-design";
import { useEffect, useRef } from "react";

/**
 * Big Design's ProgressBar renders `role="progressbar"` with no way to name it; a progressbar
 * needs an accessible name (axe `aria-progressbar-name`), so it is set on the rendered element.
 */
export function LabelledProgressBar({ percent, label }: { percent: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector('[role="progressbar"]')?.setAttribute("aria-label", label);
  });
  return (
    <div ref={box}>
      <ProgressBar percent={percent} />
    </div>
  );
}
