'use client';

import QRCode from 'qrcode';
import { useMemo } from 'react';

/** A QR code drawn as one SVG path (no canvas, no inline image: nothing the page's CSP must allow). */
export function QrCode({ text, label, size = 224 }: { text: string; label: string; size?: number }) {
  const { d, n } = useMemo(() => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    let path = '';
    for (let row = 0; row < modules.size; row++)
      for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
    return { d: path, n: modules.size + 8 };
  }, [text]);
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${n} ${n}`}
      shapeRendering="crispEdges"
      className="rounded border border-slate-200 bg-white"
      data-qr-text={text}
    >
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
