export interface Page<T> {
  items: T[];
  offset: number;
  pageSize: number;
  hasNext: boolean;
}

/** `rows` was fetched with limit pageSize + 1: the extra row only says a next page exists. */
export function toPage<T>(rows: T[], offset: number, pageSize: number): Page<T> {
  return { items: rows.slice(0, pageSize), offset, pageSize, hasNext: rows.length > pageSize };
}
