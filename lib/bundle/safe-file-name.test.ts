import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundleFileName, bundleFolderName } from './bundle';
import { safeFileName } from './safe-file-name';

const bytes = (s: string) => new TextEncoder().encode(s).length;
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);

/** What Windows refuses, or silently changes, plus what is unsafe anywhere. */
function assertPortable(name: string) {
  assert.ok(name.length > 0, 'not empty');
  assert.ok(bytes(name) <= 255, `${bytes(name)} bytes`);
  assert.doesNotMatch(name, /[<>:"/\\|?*\u0000-\u001f\u007f]/, name);
  assert.doesNotMatch(name, /[. ]$/, `no trailing dot or space: ${JSON.stringify(name)}`);
  assert.doesNotMatch(name, /^[. ]/, `no leading dot or space: ${JSON.stringify(name)}`);
  assert.doesNotMatch(name.split('.')[0]!, /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i, name);
  assert.equal(name, name.normalize('NFC'));
  assert.ok(wellFormed(name), 'no lone surrogates');
}

describe('safeFileName', () => {
  test('ordinary names are kept as they are', () => {
    for (const n of [
      'sensor-42',
      'MyThing_eu_west_1',
      'AmazonRootCA1.pem',
      'certificate.pem.crt',
      'a.b.c',
      'Capteur température',
    ]) {
      assert.equal(safeFileName(n), n);
    }
  });

  test('Windows device names get a prefix, with or without extension, in any case', () => {
    assert.equal(safeFileName('CON'), '_CON');
    assert.equal(safeFileName('con.txt'), '_con.txt');
    assert.equal(safeFileName('Nul.tar.gz'), '_Nul.tar.gz');
    assert.equal(safeFileName('LPT9'), '_LPT9');
    assert.equal(safeFileName('COM¹'), '_COM¹');
    assert.equal(safeFileName('aux .pem'), '_aux .pem');
    assert.equal(safeFileName('CONIN$'), '_CONIN$');
    assert.equal(safeFileName('CONSOLE'), 'CONSOLE');
    assert.equal(safeFileName('com10'), 'com10');
    for (const n of ['CON', 'prn', 'AUX.x', 'nul', 'COM0', 'lpt1.log']) assertPortable(safeFileName(n));
  });

  test('forbidden and control characters become _', () => {
    assert.equal(safeFileName('a<b>c:d"e/f\\g|h?i*j'), 'a_b_c_d_e_f_g_h_i_j');
    assert.equal(safeFileName('tab\there\nnl\u0000nul\u007fdel\u0085c1'), 'tab_here_nl_nul_del_c1');
    assert.equal(safeFileName('thing:with:colons'), 'thing_with_colons');
  });

  test('leading and trailing dots and spaces are not kept', () => {
    assert.equal(safeFileName('name. . '), 'name');
    assert.equal(safeFileName('  name'), 'name');
    assert.equal(safeFileName('.hidden'), '_hidden');
    assert.equal(safeFileName('..'), '__');
    assert.equal(safeFileName('.'), '_');
    assert.equal(safeFileName('   '), '_');
    assert.equal(safeFileName(''), '_');
    assert.equal(safeFileName('', { fallback: 'device' }), 'device');
  });

  test('unicode: NFC, bidirectional overrides and lone surrogates replaced, emoji and CJK kept', () => {
    assert.equal(safeFileName('Cafe\u0301'), 'Café');
    assert.equal(safeFileName('invoice\u202Egpj.exe'), 'invoice_gpj.exe');
    assert.equal(safeFileName('zero\u200Bwidth'), 'zero_width');
    assert.equal(safeFileName('a\uD800b'), 'a_b');
    assert.equal(safeFileName('温度センサー🌡️'), '温度センサー🌡️');
    assert.equal(safeFileName('👩‍💻 notes'), '👩‍💻 notes');
    assert.equal(safeFileName('📦 bundle'), '📦 bundle');
  });

  test('long names are cut to 255 UTF-8 bytes on a character boundary, keeping a short extension', () => {
    const ascii = safeFileName('a'.repeat(300) + '.pem');
    assert.equal(bytes(ascii), 255);
    assert.ok(ascii.endsWith('.pem'));
    const cjk = safeFileName('温'.repeat(200) + '.zip');
    assert.ok(bytes(cjk) <= 255 && bytes(cjk) > 250);
    assert.ok(cjk.endsWith('.zip'));
    assert.doesNotMatch(cjk, /\uFFFD/);
    const emoji = safeFileName('🌡'.repeat(100));
    assert.equal(bytes(emoji), 252);
    assert.ok(wellFormed(emoji));
    const dots = safeFileName('b'.repeat(250) + '. . . .txt');
    assertPortable(dots);
    assert.equal(safeFileName('x'.repeat(300), { maxBytes: 10 }), 'x'.repeat(10));
  });

  test('whatever goes in, a portable name comes out', () => {
    const nasty = [
      'CON.',
      ' nul ',
      '...',
      'a'.repeat(1000),
      '\u0000',
      '/',
      '\\\\server\\share',
      'C:\\x',
      '<>',
      'COM1 .txt',
      '\u202E',
      '🌡'.repeat(200),
      'x\uDC00',
    ];
    for (const n of nasty) assertPortable(safeFileName(n));
  });
});

describe('bundle names', () => {
  test('bundleFileName is <safe thing>-credentials.zip, within 255 bytes', () => {
    assert.equal(bundleFileName('sensor-42'), 'sensor-42-credentials.zip');
    assert.equal(bundleFileName('a:b:c'), 'a_b_c-credentials.zip');
    assert.equal(bundleFileName('CON'), '_CON-credentials.zip');
    assert.equal(bundleFileName('-leading'), '-leading-credentials.zip');
    assert.equal(bundleFileName(''), 'device-credentials.zip');
    assert.equal(bundleFileName('..'), '__-credentials.zip');
    const long = bundleFileName('Z'.repeat(128));
    assert.equal(long, 'Z'.repeat(128) + '-credentials.zip');
    const huge = bundleFileName('é'.repeat(300));
    assert.ok(bytes(huge) <= 255);
    assert.ok(huge.endsWith('-credentials.zip'));
    for (const n of ['CON', 'a:b', '', '..', 'x'.repeat(500), 'name.']) assertPortable(bundleFileName(n));
  });

  test('the folder name is the safe thing name', () => {
    assert.equal(bundleFolderName('MyThing_eu_west_1'), 'MyThing_eu_west_1');
    assert.equal(bundleFolderName('a:b'), 'a_b');
    assert.equal(bundleFolderName('PRN'), '_PRN');
  });
});
