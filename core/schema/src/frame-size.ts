/**
 * One end piece: the part of the front beyond a lens's outer edge that carries the hinge
 * (the "end piece" or "temple allowance" of a size label's reading).
 *
 * Why 6 mm: TRYON.md ("Frame sizing") gives the average adult frame at 136-138 mm total width,
 * and the common adult size labels are 52-18 to 54-18; 2 x lens + bridge is then 122-126 mm,
 * which leaves 10-16 mm for the two end pieces, about 6 mm each. Acetate fronts run 5-8 mm per
 * side (the demo catalog's frames are drawn that way), thin metal ones less. The live try-on
 * used 4 mm per side and the server 6: the server's figure is the one that matches TRYON.md's
 * average, so both now use it.
 */
export const FRAME_END_PIECE_MM = 6;

/**
 * A frame's total width when the merchant gives only its size label: a front is two lenses, the
 * bridge between them and an end piece at each side, so total width ~ 2 x lens width + bridge +
 * 2 x end piece (TRYON.md, "Frame sizing": lens width - bridge - temple, frame PD = lens +
 * bridge). A 52-18 frame comes out at 134 mm. It is an estimate (a few mm either way): callers
 * that show it say "about", and a merchant's stated total width always wins over it.
 *
 * `endPieceMm` is for frames whose construction is known (the demo catalog draws each frame
 * with its own); everyone else uses the default.
 */
export function estimateFrameWidthMm(
  lensWidthMm: number,
  bridgeWidthMm: number,
  endPieceMm: number = FRAME_END_PIECE_MM,
): number {
  return 2 * lensWidthMm + bridgeWidthMm + 2 * endPieceMm;
}
