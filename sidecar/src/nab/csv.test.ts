import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads LF and CRLF line ends alike, with or without a final newline', () => {
    const expected = [
      ['timestamp', 'value'],
      ['2014-04-10 00:00:00', '1.5'],
      ['2014-04-10 00:05:00', '2'],
    ];
    expect(parseCsv('timestamp,value\n2014-04-10 00:00:00,1.5\n2014-04-10 00:05:00,2\n')).toEqual(expected);
    expect(parseCsv('timestamp,value\r\n2014-04-10 00:00:00,1.5\r\n2014-04-10 00:05:00,2')).toEqual(expected);
  });

  it('drops a byte-order mark and blank lines', () => {
    expect(parseCsv('\ufeffa,b\n\n1,2\n\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with separators, escaped quotes and newlines inside', () => {
    expect(parseCsv('a,"b, c","say ""hi""","two\nlines"\n')).toEqual([['a', 'b, c', 'say "hi"', 'two\nlines']]);
  });

  it('keeps empty fields', () => {
    expect(parseCsv('a,,c\n,,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/unterminated/);
  });
});
