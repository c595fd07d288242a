/// <reference lib="dom" />
import { estimateFrameWidthMm } from "@varai/schema";
import type { WidgetProduct } from "@varai/widget-kit";
import type { Placement } from "./placement.ts";

const COLORS: Record<string, string> = {
  black: "#111111",
  tortoise: "#6b3e1e",
  havana: "#6b3e1e",
  brown: "#5a3a22",
  gold: "#c9a13b",
  silver: "#a8adb3",
  gunmetal: "#4a4e54",
  blue: "#1d3f8a",
  navy: "#1b2a52",
  red: "#9b1c1c",
  green: "#23533a",
  clear: "#c9d2da",
  crystal: "#c9d2da",
  pink: "#c76a8a",
  white: "#f1f1f1",
};

export function frameColor(color: string | undefined): string {
  if (!color) return "#1b1b1b";
  const key = color.toLowerCase();
  for (const [name, hex] of Object.entries(COLORS)) if (key.includes(name)) return hex;
  return /^#[0-9a-f]{3,8}$/i.test(color) ? color : "#1b1b1b";
}

type Frame = WidgetProduct["frame"];

/**
 * Frame geometry in mm, with TRYON.md's typical values where the catalog has none; the total
 * width is the merchant's, else the estimate the server and the recommendations use.
 */
export function frameGeometry(frame: Frame) {
  const lensW = frame.lensWidthMm ?? 50;
  const bridge = frame.bridgeWidthMm ?? 18;
  const lensH = frame.lensHeightMm ?? Math.min(45, Math.max(30, lensW * 0.78));
  const frameW = Math.max(frame.frameWidthMm ?? estimateFrameWidthMm(lensW, bridge), 2 * lensW + bridge);
  return { lensW, bridge, lensH, frameW, lensCx: (lensW + bridge) / 2 };
}

function lensPath(ctx: CanvasRenderingContext2D, shape: Frame["shape"], w: number, h: number, outerSign: number) {
  const x = -w / 2;
  const y = -h / 2;
  ctx.beginPath();
  switch (shape) {
    case "round":
      ctx.arc(0, 0, Math.min(w, h * 1.15) / 2, 0, Math.PI * 2);
      break;
    case "oval":
      ctx.ellipse(0, 0, w / 2, h / 2.2, 0, 0, Math.PI * 2);
      break;
    case "aviator":
      ctx.moveTo(x, y + h * 0.1);
      ctx.quadraticCurveTo(0, y - h * 0.12, -x, y + h * 0.1);
      ctx.quadraticCurveTo(-x + w * 0.05, y + h * 0.9, 0, -y + h * 0.05);
      ctx.quadraticCurveTo(x - w * 0.05, y + h * 0.9, x, y + h * 0.1);
      break;
    case "cat-eye": {
      const ox = (outerSign * w) / 2;
      ctx.moveTo(-ox, y + h * 0.15);
      ctx.quadraticCurveTo(0, y, ox + outerSign * w * 0.08, y - h * 0.12);
      ctx.quadraticCurveTo(ox, -y * 0.6, 0, -y);
      ctx.quadraticCurveTo(-ox, -y, -ox, y + h * 0.15);
      break;
    }
    case "geometric":
      for (let i = 0; i < 6; i++) {
        const a = (Math.PI / 3) * i;
        const px = (Math.cos(a) * w) / 2;
        const py = (Math.sin(a) * h) / 2;
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      }
      ctx.closePath();
      break;
    case "wayfarer":
      ctx.moveTo(x - w * 0.04, y);
      ctx.lineTo(-x + w * 0.04, y);
      ctx.quadraticCurveTo(-x, -y, -x - w * 0.15, -y);
      ctx.lineTo(x + w * 0.15, -y);
      ctx.quadraticCurveTo(x, -y, x - w * 0.04, y);
      break;
    default: {
      const r = shape === "square" ? h * 0.12 : shape === "oversized" ? h * 0.3 : h * 0.22;
      ctx.roundRect(x, y, w, h, r);
    }
  }
}

/**
 * Draws a frame on the face from its dimensions: rotated by roll, scaled from millimetres to
 * pixels, and foreshortened by yaw. The stand-in while the frame's own asset downloads, and
 * for products without a ready asset (see drawFrameAsset).
 */
export function drawFrame(ctx: CanvasRenderingContext2D, frame: Frame, pose: Placement): void {
  const g = frameGeometry(frame);
  const color = frameColor(frame.color);
  const rim = frame.rim ?? "full-rim";
  const scale = frame.shape === "oversized" ? 1.08 : 1;
  ctx.save();
  ctx.translate(pose.cx, pose.cy);
  ctx.rotate(pose.roll);
  ctx.scale(pose.pxPerMm * Math.cos(pose.yaw), pose.pxPerMm);
  // Lenses sit a little low: pupils are usually above the lens centre.
  ctx.translate(0, g.lensH * 0.08);
  ctx.lineJoin = "round";
  ctx.strokeStyle = color;
  for (const side of [-1, 1]) {
    ctx.save();
    ctx.translate(side * g.lensCx, 0);
    lensPath(ctx, frame.shape, g.lensW * scale, g.lensH * scale, side);
    ctx.fillStyle = "rgba(170, 200, 230, 0.16)";
    ctx.fill();
    ctx.lineWidth = rim === "rimless" ? 0.5 : rim === "semi-rimless" ? 1 : 2.4;
    ctx.stroke();
    if (frame.shape === "browline" || rim === "semi-rimless") {
      ctx.lineWidth = 3.2;
      ctx.beginPath();
      ctx.moveTo(-g.lensW / 2, -g.lensH / 2);
      ctx.lineTo(g.lensW / 2, -g.lensH / 2);
      ctx.stroke();
    }
    ctx.restore();
  }
  // Bridge and hinges.
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(-g.bridge / 2, -g.lensH * 0.18);
  ctx.quadraticCurveTo(0, -g.lensH * 0.38, g.bridge / 2, -g.lensH * 0.18);
  ctx.stroke();
  ctx.lineWidth = 3;
  for (const side of [-1, 1]) {
    ctx.beginPath();
    ctx.moveTo(side * (g.lensCx + g.lensW / 2), -g.lensH * 0.3);
    ctx.lineTo(side * (g.frameW / 2), -g.lensH * 0.32);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * Draws the merchant's own frame (its prepared try-on asset) on the face: the midpoint of the
 * asset's lens centres on the midpoint of the pupils, the asset's width scaled to the frame's
 * width in millimetres, rotated by roll and foreshortened by yaw. The same placement as the
 * server's photo try-on, so live and photo mode show the same frame.
 */
export function drawFrameAsset(
  ctx: CanvasRenderingContext2D,
  image: CanvasImageSource,
  asset: AssetInfo,
  pose: Placement,
): void {
  const mmPerAssetPx = asset.frameWidthMm / asset.widthPx;
  const [a, b] = asset.lensCentersPx;
  ctx.save();
  ctx.translate(pose.cx, pose.cy);
  ctx.rotate(pose.roll);
  ctx.scale(pose.pxPerMm * Math.cos(pose.yaw) * mmPerAssetPx, pose.pxPerMm * mmPerAssetPx);
  ctx.translate(-(a.x + b.x) / 2, -(a.y + b.y) / 2);
  ctx.drawImage(image, 0, 0, asset.widthPx, asset.heightPx);
  ctx.restore();
}

export interface AssetInfo {
  widthPx: number;
  heightPx: number;
  lensCentersPx: readonly [{ x: number; y: number }, { x: number; y: number }];
  frameWidthMm: number;
}
