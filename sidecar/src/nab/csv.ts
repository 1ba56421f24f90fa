/**
 * A small RFC 4180 reader: quoted fields (with "" escapes and embedded separators or newlines),
 * CRLF or LF line ends, a UTF-8 byte-order mark and a missing final newline are all accepted.
 * NAB's files mix these, and a naive split on "\n" leaves a "\r" glued to every value.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Tracks whether the current row has any content, so blank lines and the trailing newline add no row.
  let rowStarted = false;

  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    rows.push(row);
    row = [];
    rowStarted = false;
  };

  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      rowStarted = true;
    } else if (ch === ',') {
      endField();
      rowStarted = true;
    } else if (ch === '\r' || ch === '\n') {
      if (rowStarted || field !== '') endRow();
      // A CRLF pair is one line end.
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += ch;
      rowStarted = true;
    }
    i += 1;
  }
  if (quoted) throw new Error('unterminated quoted field at end of input');
  if (rowStarted || field !== '') endRow();
  return rows;
}
