import type { HTMLAttributes, ReactNode } from "react";

export interface Column<T> {
  /** The column heading; also each cell's label when the table collapses to cards. */
  header: string;
  cell: (row: T) => ReactNode;
  /** A share of the table's width ("18%") or a fixed width ("96px"): the layout is fixed, so long text wraps instead of widening the table. */
  width?: string;
  align?: "end";
  /** The card's title on narrow screens (no label). */
  primary?: boolean;
  /** Heading for screen readers only (an actions column). */
  hideHeader?: boolean;
}

/**
 * Every admin table: a fixed-layout table that fits its container at desktop widths (columns sized by
 * `width`, long values wrapped or clamped, never a horizontal scroll), and one card per row under 640 px, each
 * cell labelled with its column's heading.
 */
export function DataTable<T>({
  columns, rows, rowKey, caption, rowProps,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  caption: string;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | undefined>;
}) {
  return (
    <div className="data-table-wrap">
      {/* Explicit roles: the cards' `display: block` would otherwise drop the table's semantics for screen readers. */}
      <table className="table data-table" role="table">
        <caption className="sr-only">{caption}</caption>
        <colgroup>{columns.map((c) => <col key={c.header} style={c.width ? { width: c.width } : undefined} />)}</colgroup>
        <thead role="rowgroup">
          <tr role="row">
            {columns.map((c) => (
              <th key={c.header} scope="col" role="columnheader" className={c.align === "end" ? "num" : undefined}>
                {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((row) => (
            <tr key={rowKey(row)} role="row" {...rowProps?.(row)}>
              {columns.map((c) => (
                <td key={c.header} role="cell" data-label={c.hideHeader ? "" : c.header} data-primary={c.primary ? "" : undefined} className={c.align === "end" ? "num" : undefined}>
                  {/* One box for the content, so a cell of several elements stays beside its label in a card. */}
                  <div className="data-table-cell">{c.cell(row)}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
