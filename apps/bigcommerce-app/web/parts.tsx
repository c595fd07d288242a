import { ProgressBar, Text } from "@bigcommerce/big-design";
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

/** One headline number with its label (catalog counts, impact figures). */
export function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div>
      <Text bold marginBottom="none">
        <span style={{ fontSize: "1.75rem", lineHeight: 1.3 }}>{value}</span>
      </Text>
      <Text color="secondary60">{label}</Text>
    </div>
  );
}
