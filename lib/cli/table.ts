import type { Colors } from './output.js';

export interface TableOptions {
  /** Widest a line may be, indentation included; cells are cut with `…` to fit. */
  maxWidth?: number;
  colors: Colors;
  /** Colour for one body cell, given its already padded text. */
  paint?: (row: number, column: number, text: string) => string;
}

const INDENT = '  ';
const GAP = '  ';
const MIN_CELL = 4;

/** Plain-text table with a dim header row; the widest columns give way first when space is short. */
export function renderTable(headers: string[], rows: string[][], options: TableOptions): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  if (options.maxWidth !== undefined) shrinkToFit(widths, options.maxWidth);

  const line = (cells: string[], paint: (column: number, text: string) => string): string => {
    const padded = widths.map((width, column) => {
      const text = fit(cells[column] ?? '', width);
      // The last column is not padded so lines carry no trailing spaces.
      return paint(column, column === widths.length - 1 ? text : text.padEnd(width));
    });
    return INDENT + padded.join(GAP);
  };

  const paint = options.paint ?? ((_row: number, _column: number, text: string) => text);
  return [
    line(headers, (_column, text) => options.colors.dim(text)),
    ...rows.map((row, index) => line(row, (column, text) => paint(index, column, text))),
  ];
}

function shrinkToFit(widths: number[], maxWidth: number): void {
  const total = () => INDENT.length + widths.reduce((sum, width) => sum + width, 0) + GAP.length * (widths.length - 1);
  // Each pass takes one column off the widest column: bounded by the total width.
  for (let guard = total(); guard > 0 && total() > maxWidth; guard--) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= MIN_CELL) return;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}
