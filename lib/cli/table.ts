import type { Colors } from './output.js';

export interface TableOptions {
  /**
   * Widest a line may be, indentation included. When the table is wider, the `optional` column is
   * left out first, then the widest cells are cut with `…`.
   */
  maxWidth?: number;
  /** Index of a column whose content the others already convey. */
  optional?: number;
  colors: Colors;
  /** Colour for one body cell (row and column index into `rows`), given its already padded text. */
  paint?: (row: number, column: number, text: string) => string;
}

const INDENT = '  ';
const GAP = '  ';
const MIN_CELL = 4;

/** Plain-text table with a dim header row that fits `maxWidth` when one is given. */
export function renderTable(headers: string[], rows: string[][], options: TableOptions): string[] {
  const { maxWidth, optional, colors } = options;
  const paint = options.paint ?? ((_row: number, _column: number, text: string) => text);
  const widthOf = (column: number) => Math.max(headers[column]!.length, ...rows.map((row) => (row[column] ?? '').length));

  let columns = headers.map((_, column) => column);
  const tooWide = () => maxWidth !== undefined && tableWidth(columns.map(widthOf)) > maxWidth;
  if (optional !== undefined && tooWide()) columns = columns.filter((column) => column !== optional);
  const widths = columns.map(widthOf);
  if (maxWidth !== undefined) shrinkToFit(widths, maxWidth);

  const line = (cells: string[], style: (column: number, text: string) => string): string =>
    INDENT +
    columns
      .map((column, index) => {
        const text = fit(cells[column] ?? '', widths[index]!);
        // The last column is not padded so lines carry no trailing spaces.
        return style(column, index === columns.length - 1 ? text : text.padEnd(widths[index]!));
      })
      .join(GAP);

  return [
    line(headers, (_column, text) => colors.dim(text)),
    ...rows.map((row, index) => line(row, (column, text) => paint(index, column, text))),
  ];
}

function tableWidth(widths: number[]): number {
  return INDENT.length + widths.reduce((sum, width) => sum + width, 0) + GAP.length * (widths.length - 1);
}

function shrinkToFit(widths: number[], maxWidth: number): void {
  // Each pass takes one column off the widest column: bounded by the total width.
  for (let guard = tableWidth(widths); guard > 0 && tableWidth(widths) > maxWidth; guard--) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_CELL) return;
    widths[widest]!--;
  }
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}
