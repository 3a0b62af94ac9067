/** The studio's light/dark choice: "auto" follows the OS (`prefers-color-scheme`), the default;
 * "light" or "dark" is the person's own, kept per user on the server (client state). */
export type ThemeChoice = "auto" | "light" | "dark";

export const THEME_KEY = "studio.theme";
const CHOICES: readonly ThemeChoice[] = ["auto", "light", "dark"];

export const THEME_LABELS: Record<ThemeChoice, string> = {
  auto: "Theme: follows your system",
  light: "Theme: light",
  dark: "Theme: dark",
};

/** The stored value as a choice, or null when there is none (or it is not one). */
export function parseThemeChoice(value: unknown): ThemeChoice | null {
  return typeof value === "string" && (CHOICES as readonly string[]).includes(value) ? (value as ThemeChoice) : null;
}

/** The toggle's order: auto → light → dark → auto. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length] ?? "auto";
}

/** The scheme actually shown. */
export function resolveScheme(choice: ThemeChoice, prefersDark: boolean): "light" | "dark" {
  if (choice === "auto") return prefersDark ? "dark" : "light";
  return choice;
}
