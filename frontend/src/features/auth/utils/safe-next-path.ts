/** Only a path on this site: never `//host`, `/\host` or a URL with a scheme. */
export function safeNextPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if (/[\\\r\n\t]/.test(value)) return null;
  return value;
}
