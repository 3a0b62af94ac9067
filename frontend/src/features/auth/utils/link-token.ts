/** The secret of an invite or reset link travels after `#` (browsers never send it to a server). */
export function linkToken(hash: string): string {
  const token = hash.replace(/^#/, "").trim();
  return /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : "";
}
