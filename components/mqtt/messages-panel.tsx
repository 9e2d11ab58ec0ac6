'use client';

import {
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type RefObject,
} from 'react';

import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { CopyButton } from '@/components/ui/copy-button';
import { inputClasses } from '@/components/ui/field-styles';
import { useToast } from '@/components/ui/toast';

import { downloadText, messagesToCsv, messagesToJson } from './export';
import { firstMatch } from '@/lib/mqtt/topic-filter';
import {
  appendBounded,
  clockTime,
  MAX_MESSAGES,
  prettyPayload,
  toShown,
  updateView,
  type ShownMessage,
  type View,
} from './messages';
import type { PageSubscription } from './subscriptions';
import type { RelayedMessage } from './use-mqtt-session';
import { VirtualList } from './virtual-list';

export const ROW_HEIGHT = 84;
const LIST_HEIGHT = 588;
/** A row shows the start of a large payload; the details pane shows all of it. */
const ROW_TEXT_LIMIT = 1500;
const FALLBACK_COLOUR = '#94a3b8';

/**
 * Optional instrumentation for scripts/bench/mqtt-client.ts: when the page finds `window.__mqttBench`,
 * it reports the messages each commit added, in the animation frame after the rows were rendered.
 */
interface BenchHook {
  rendered(messages: readonly { topic: string; payload: string; receivedAt: number }[], at: number): void;
}
declare global {
  interface Window {
    __mqttBench?: BenchHook;
  }
}

const MessageRow = memo(function MessageRow({
  m,
  colour,
  selected,
  onSelect,
}: {
  m: ShownMessage;
  colour: string;
  selected: boolean;
  onSelect: (key: number) => void;
}) {
  const text = useMemo(() => {
    const { text } = prettyPayload(m);
    return text.length > ROW_TEXT_LIMIT ? `${text.slice(0, ROW_TEXT_LIMIT)}…` : text;
  }, [m]);
  return (
    <div
      className={cn('flex h-full border-b border-slate-100', selected ? 'bg-indigo-50' : 'bg-white')}
      data-topic={m.topic}
    >
      <span aria-hidden className="w-1.5 shrink-0" style={{ background: colour }} />
      <div className="min-w-0 flex-1 px-3 py-1.5">
        <div className="flex items-center gap-2 text-xs">
          <time
            dateTime={new Date(m.receivedAt).toISOString()}
            className="shrink-0 font-mono text-slate-500 tabular-nums"
          >
            {clockTime(m.receivedAt)}
          </time>
          <button
            type="button"
            onClick={() => onSelect(m.key)}
            aria-pressed={selected}
            title="Show the whole message"
            className="min-w-0 truncate font-mono font-semibold text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {m.topic}
          </button>
          <span className="shrink-0 rounded bg-slate-100 px-1.5 text-slate-600">QoS {m.qos}</span>
          {m.retain ? <span className="shrink-0 rounded bg-amber-100 px-1.5 text-amber-800">retained</span> : null}
          {m.encoding === 'base64' ? (
            <span className="shrink-0 rounded bg-slate-100 px-1.5 text-slate-600">binary (base64)</span>
          ) : null}
        </div>
        <pre className="mt-1 h-[3.25rem] overflow-hidden font-mono text-xs leading-[1.0625rem] whitespace-pre-wrap text-slate-700">
          {text}
        </pre>
      </div>
    </div>
  );
});

function MessageDetails({ m, colour, onClose }: { m: ShownMessage; colour: string; onClose: () => void }) {
  const pretty = useMemo(() => prettyPayload(m), [m]);
  return (
    <section aria-label="Message details" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="flex items-center gap-2 font-mono text-sm font-semibold break-all text-slate-900">
            <span aria-hidden className="size-3 shrink-0 rounded-full" style={{ background: colour }} />
            {m.topic}
          </h3>
          <p className="mt-1 text-xs text-slate-600">
            {new Date(m.receivedAt).toLocaleString()} · QoS {m.qos}
            {m.retain ? ' · retained' : ''} · for subscription <span className="font-mono">{m.subscription}</span>
            {m.encoding === 'base64' ? ' · binary, shown as base64' : pretty.json ? ' · JSON' : ''}
          </p>
        </div>
        <div className="flex shrink-0 gap-1">
          <CopyButton text={m.payload} label="Copy payload" />
          <Button variant="ghost" className="px-2 py-1 text-xs" onClick={onClose}>
            Close
          </Button>
        </div>
      </div>
      <pre className="mt-3 max-h-80 overflow-auto rounded bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap text-slate-800">
        {pretty.text}
      </pre>
    </section>
  );
}

/**
 * The messages list: a bounded buffer fed straight from the session's batches (outside React), shown
 * newest first in a windowed list; search, pause/resume, clear and export work on what is shown.
 */
export const MessagesPanel = memo(function MessagesPanel({
  onMessages,
  subsRef,
  subs,
  dropped,
}: {
  onMessages: (listener: (messages: RelayedMessage[]) => void) => () => void;
  /** The subscriptions as of now (read when a batch arrives, without re-rendering). */
  subsRef: RefObject<readonly PageSubscription[]>;
  subs: readonly PageSubscription[];
  dropped: number;
}) {
  const toast = useToast();
  const bufferRef = useRef<ShownMessage[]>([]);
  const nextKey = useRef(1);
  const pausedRef = useRef(false);
  const [shown, setShown] = useState<readonly ShownMessage[]>([]);
  const [held, setHeld] = useState(0);
  const [paused, setPaused] = useState(false);
  const [query, setQuery] = useState('');
  const [selectedKey, setSelectedKey] = useState<number | undefined>();

  useEffect(
    () =>
      onMessages((messages) => {
        const subs = subsRef.current;
        const live: string[] = [];
        for (const s of subs) if (!s.paused) live.push(s.filter);
        if (live.length === 0) return;
        const added: ShownMessage[] = [];
        for (const m of messages) {
          const sub = firstMatch(live, m.topic);
          if (sub !== undefined) added.push(toShown(m, nextKey.current++, sub));
        }
        if (added.length === 0) return;
        bufferRef.current = appendBounded(bufferRef.current, added, MAX_MESSAGES);
        if (pausedRef.current) setHeld((n) => Math.min(MAX_MESSAGES, n + added.length));
        else setShown(bufferRef.current);
      }),
    [onMessages, subsRef],
  );

  // Search runs on a deferred copy of the text: typing never waits for the list.
  const deferredQuery = useDeferredValue(query);
  const viewRef = useRef<View | undefined>(undefined);
  const view = useMemo(
    () => (viewRef.current = updateView(viewRef.current, shown, deferredQuery)),
    [shown, deferredQuery],
  );
  const rows = view.result;
  const count = rows.length;

  // Benchmark instrumentation (inert unless window.__mqttBench is set).
  const benchLastKey = useRef(0);
  useLayoutEffect(() => {
    const hook = typeof window === 'undefined' ? undefined : window.__mqttBench;
    if (!hook) return;
    const fresh: ShownMessage[] = [];
    for (let i = shown.length - 1; i >= 0 && shown[i]!.key > benchLastKey.current; i--) fresh.push(shown[i]!);
    if (fresh.length === 0) return;
    benchLastKey.current = fresh[0]!.key;
    requestAnimationFrame(() => hook.rendered(fresh, Date.now()));
  }, [shown]);

  const colours = useMemo(() => new Map(subs.map((s) => [s.filter, s.colour])), [subs]);
  const onSelect = useCallback((key: number) => setSelectedKey((k) => (k === key ? undefined : key)), []);
  // Newest first: row i is rows[count - 1 - i].
  const at = useCallback((i: number) => rows[rows.length - 1 - i]!, [rows]);
  const itemKey = useCallback((i: number) => at(i).key, [at]);
  const renderItem = useCallback(
    (i: number) => {
      const m = at(i);
      return (
        <MessageRow
          m={m}
          colour={colours.get(m.subscription) ?? FALLBACK_COLOUR}
          selected={m.key === selectedKey}
          onSelect={onSelect}
        />
      );
    },
    [at, colours, selectedKey, onSelect],
  );
  const indexOfKey = useCallback(
    (key: number) => {
      // rows is ordered by key: binary search, then count from the newest end.
      let lo = 0;
      let hi = rows.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const k = rows[mid]!.key;
        if (k === key) return rows.length - 1 - mid;
        if (k < key) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
    [rows],
  );
  const selected = useMemo(
    () => (selectedKey === undefined ? undefined : shown.find((m) => m.key === selectedKey)),
    [shown, selectedKey],
  );

  const togglePause = () => {
    const next = !pausedRef.current;
    pausedRef.current = next;
    setPaused(next);
    if (!next) {
      setShown(bufferRef.current);
      setHeld(0);
    }
  };
  const clear = () => {
    bufferRef.current = [];
    setShown([]);
    setHeld(0);
    setSelectedKey(undefined);
  };
  const exportAs = (kind: 'json' | 'csv') => {
    const newestFirst = [...rows].reverse();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (kind === 'json') downloadText(`mqtt-messages-${stamp}.json`, messagesToJson(newestFirst), 'application/json');
    else downloadText(`mqtt-messages-${stamp}.csv`, messagesToCsv(newestFirst), 'text/csv');
    toast(
      `Exported ${newestFirst.length.toLocaleString()} ${newestFirst.length === 1 ? 'message' : 'messages'} as ${kind.toUpperCase()}`,
    );
  };

  const searching = deferredQuery.trim() !== '';
  return (
    <section aria-labelledby="messages-heading" className="min-w-0 space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="messages-heading" className="text-base font-semibold text-slate-900">
          Messages
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="secondary" onClick={togglePause} aria-pressed={paused}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
          <Button variant="secondary" onClick={clear} disabled={shown.length === 0 && held === 0}>
            Clear
          </Button>
          <Button variant="secondary" onClick={() => exportAs('json')} disabled={count === 0}>
            Export JSON
          </Button>
          <Button variant="secondary" onClick={() => exportAs('csv')} disabled={count === 0}>
            Export CSV
          </Button>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-60 flex-1">
          <label htmlFor="mqtt-search" className="sr-only">
            Search messages
          </label>
          <input
            id="mqtt-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search topic and payload"
            autoComplete="off"
            spellCheck={false}
            className={inputClasses}
          />
        </div>
        <p className="text-xs text-slate-600" aria-live="off">
          {searching
            ? `${count.toLocaleString()} of ${shown.length.toLocaleString()} messages match`
            : `${shown.length.toLocaleString()} ${shown.length === 1 ? 'message' : 'messages'}`}
          {' · newest first, the oldest go after '}
          {MAX_MESSAGES.toLocaleString()}
        </p>
        <p
          className={cn('text-xs', dropped > 0 ? 'font-medium text-amber-800' : 'text-slate-500')}
          role="status"
          aria-label="Dropped by the server"
        >
          {dropped.toLocaleString()} dropped by the server
        </p>
      </div>
      {paused ? (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Paused: new messages are kept ({held.toLocaleString()} so far) but not shown. Resume to see them.
        </p>
      ) : null}
      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
        {count === 0 ? (
          <div
            className="flex items-center justify-center px-6 text-center text-sm text-slate-600"
            style={{ height: LIST_HEIGHT }}
          >
            {searching
              ? 'No message matches the search. Clear the search box to see them all.'
              : subs.length === 0
                ? 'No messages yet. Subscribe to a topic filter (or a preset) and messages appear here as they arrive.'
                : 'No messages yet. They appear here as devices publish to your subscriptions.'}
          </div>
        ) : (
          <VirtualList
            count={count}
            rowHeight={ROW_HEIGHT}
            height={LIST_HEIGHT}
            itemKey={itemKey}
            renderItem={renderItem}
            label="Messages"
            anchorKey={rows[rows.length - 1]?.key}
            indexOfKey={indexOfKey}
          />
        )}
      </div>
      {selected ? (
        <MessageDetails
          m={selected}
          colour={colours.get(selected.subscription) ?? FALLBACK_COLOUR}
          onClose={() => setSelectedKey(undefined)}
        />
      ) : null}
    </section>
  );
});
