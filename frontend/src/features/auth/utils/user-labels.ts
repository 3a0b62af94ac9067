import type { UserDTO } from "@/lib/api-types";

export function displayNameOf(user: Pick<UserDTO, "display_name" | "email">): string {
  return user.display_name?.trim() || user.email;
}

export function initialsOf(user: Pick<UserDTO, "display_name" | "email">): string {
  const name = displayNameOf(user);
  const words = name.split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length > 1 ? (words[0]?.[0] ?? "") + (words[1]?.[0] ?? "") : name.slice(0, 2);
  return letters.toUpperCase();
}

/** A short "Firefox on Linux"-style description of a session's user agent. */
export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown device";
  const browser =
    [/Edg\//, /OPR\//, /Firefox\//, /Chrome\//, /Safari\//].map((re, i) =>
      re.test(userAgent) ? ["Edge", "Opera", "Firefox", "Chrome", "Safari"][i] : null,
    ).find(Boolean) ?? (/python|httpx|curl|requests/i.test(userAgent) ? "Script" : "Browser");
  const os =
    [/Windows/, /Android/, /iPhone|iPad/, /Mac OS X/, /Linux/].map((re, i) =>
      re.test(userAgent) ? ["Windows", "Android", "iOS", "macOS", "Linux"][i] : null,
    ).find(Boolean);
  return os ? `${browser} on ${os}` : browser;
}
