'use client';

import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A windowed list with fixed-height rows: only the rows in view (plus a few either side) are in the
 * DOM, each absolutely placed, so ten thousand rows cost what forty do. `itemKey(i)` keys row i and
 * `renderItem(i)` renders it; memoise what renderItem returns for cheap re-renders.
 *
 * `anchorTop`: rows are added at the top (newest first). When the reader has scrolled away from the top,
 * the scroll position moves with the added rows so what they are reading stays still.
 */
export function VirtualList({
  count,
  rowHeight,
  height,
  itemKey,
  renderItem,
  overscan = 6,
  label,
  anchorKey,
  indexOfKey,
}: {
  count: number;
  rowHeight: number;
  height: number;
  itemKey: (index: number) => number | string;
  renderItem: (index: number) => ReactNode;
  overscan?: number;
  label: string;
  /** The key of the first row: when it changes and the list is scrolled, the view is kept in place. */
  anchorKey?: number;
  /** Where the row keyed `key` is now (-1 when gone); with anchorKey, keeps a scrolled view still. */
  indexOfKey?: (key: number) => number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);
  const lastAnchor = useRef<number | undefined>(anchorKey);

  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (ref.current) setScrollTop(ref.current.scrollTop);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Keep a scrolled reader's rows still when newer rows arrive above them.
  useLayoutEffect(() => {
    const el = ref.current;
    const prev = lastAnchor.current;
    lastAnchor.current = anchorKey;
    if (!el || !indexOfKey || anchorKey === undefined || prev === undefined || anchorKey === prev) return;
    if (el.scrollTop <= 0) return;
    const added = indexOfKey(prev);
    if (added > 0) {
      el.scrollTop += added * rowHeight;
      setScrollTop(el.scrollTop);
    }
  }, [anchorKey, indexOfKey, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div
        key={itemKey(i)}
        role="listitem"
        aria-setsize={count}
        aria-posinset={i + 1}
        style={{
          position: 'absolute',
          top: 0,
          left: 0,
          right: 0,
          height: rowHeight,
          transform: `translateY(${i * rowHeight}px)`,
        }}
      >
        {renderItem(i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      onScroll={onScroll}
      style={{ height, overflowY: 'auto', position: 'relative' }}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it.
      tabIndex={0}
      className="focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <div role="list" aria-label={label} style={{ height: count * rowHeight, position: 'relative' }}>
        {rows}
      </div>
    </div>
  );
}
