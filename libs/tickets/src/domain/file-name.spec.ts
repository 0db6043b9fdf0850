import { describe, expect, it } from '@jest/globals';
import { MAX_FILE_NAME_BYTES, sanitizeFileName } from './file-name.js';

describe('sanitizeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\eve\\secret.docx', 'secret.docx'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['line\nbreak\t.txt', 'linebreak.txt'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['  ..hidden.  ', 'hidden'],
    ['CON.txt', '_CON.txt'],
    ['Cafe\u0301.png', 'Café.png'],
    ['quote";filename=evil.html', 'quote__filename_evil.html'],
  ])('cleans %j', (raw, expected) => {
    expect(sanitizeFileName(raw, 'attachment')).toBe(expected);
  });

  it('falls back for an empty name', () => {
    expect(sanitizeFileName('...', 'attachment.bin')).toBe('attachment.bin');
    expect(sanitizeFileName('/', 'attachment.bin')).toBe('attachment.bin');
  });

  it('keeps the extension of a long name', () => {
    const name = sanitizeFileName(`${'ü'.repeat(300)}.pdf`, 'x');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});
