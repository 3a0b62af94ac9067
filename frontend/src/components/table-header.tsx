import { Table } from "@mantine/core";
import type { ReactNode } from "react";

interface TableHeaderProps {
  /** Titles of the columns, left to right. */
  columns: string[];
  /** Title of a last, right-aligned column over the row's buttons; none when left out. */
  actions?: ReactNode;
}

/** A table's header row. */
export function TableHeader({ columns, actions }: TableHeaderProps) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column) => (
          <Table.Th key={column}>{column}</Table.Th>
        ))}
        {actions !== undefined && <Table.Th ta="right">{actions}</Table.Th>}
      </Table.Tr>
    </Table.Thead>
  );
}
