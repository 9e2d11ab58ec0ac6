import { utf8Length } from './escape';

/**
 * File names that Windows, macOS and Linux all accept and that no desktop shows misleadingly.
 *
 * - NFC-normalised (what Windows and Linux store; macOS folds either way).
 * - No < > : " / \ | ? * (Windows; / everywhere; : is the macOS Finder's separator), no control characters
 *   (C0, DEL, C1), no invisible or bidirectional formatting characters (a right-to-left override can make
 *   `evil<U+202E>gpj.exe` display as `evilexe.jpg`), no unpaired surrogates (not encodable as UTF-8): each
 *   becomes _. Joiners and variation selectors, which emoji and several scripts need, are kept.
 * - No leading white space or dot (hidden on Unix; `.` and `..` are not names), no trailing dot or white space
 *   (Windows strips them silently, so two names could collide).
 * - Not a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, their superscript-digit forms, CONIN$,
 *   CONOUT$, CLOCK$), with or without an extension, in any case: prefixed with _.
 * - At most 255 UTF-8 bytes (ext4, APFS and NTFS limits all fit): the stem is shortened on a code point
 *   boundary and a short extension kept.
 * - Never empty: an empty result becomes `fallback` (default `_`).
 */
export function safeFileName(name: string, opts: { maxBytes?: number; fallback?: string } = {}): string {
  const maxBytes = Math.max(1, Math.min(255, opts.maxBytes ?? 255));
  const fallback = opts.fallback ?? '_';

  let s = String(name).normalize('NFC');
  s = s.replace(/[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g, '_');
  s = s.replace(
    // biome-ignore lint/suspicious/noMisleadingCharacterClass: each invisible code point, combining ones included, is replaced on its own.
    /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufff8]/g,
    '_',
  );
  s = s.replace(/\p{Cs}/gu, '_');
  s = tidyEnds(s);
  if (!s) return fallback;

  const stem = s.split('.')[0]!.replace(/[\s]+$/u, '');
  if (/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i.test(stem)) s = `_${s}`;

  if (utf8Length(s) > maxBytes) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && utf8Length(s.slice(dot)) <= 16 && utf8Length(s.slice(dot)) < maxBytes ? s.slice(dot) : '';
    const budget = maxBytes - utf8Length(ext);
    let kept = '';
    let bytes = 0;
    for (const ch of ext ? s.slice(0, dot) : s) {
      const n = utf8Length(ch);
      if (bytes + n > budget) break;
      kept += ch;
      bytes += n;
    }
    s = tidyEnds(kept) + ext;
    s = tidyEnds(s);
    if (!s || s === ext) s = (fallback + ext).slice(0, maxBytes);
  }
  return s;
}

function tidyEnds(s: string): string {
  return s.replace(/^[\s.]+/u, (lead) => lead.replace(/[\s]/gu, '').replace(/\./g, '_')).replace(/[\s.]+$/u, '');
}
