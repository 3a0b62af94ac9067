import { ActionIcon, Tooltip, useMantineColorScheme } from "@mantine/core";
import { IconDeviceDesktop, IconMoon, IconSun } from "@tabler/icons-react";
import { useEffect } from "react";
import { useThemeChoice } from "../api/get-theme-choice";
import { useSetThemeChoice } from "../api/set-theme-choice";
import { nextThemeChoice, parseThemeChoice, THEME_LABELS, type ThemeChoice } from "../utils/theme-choice";

const ICONS = { auto: IconDeviceDesktop, light: IconSun, dark: IconMoon } as const;

/** Cycles the theme: follows the system → light → dark. The choice applies at once (Mantine keeps
 * it in this browser) and is saved per user on the server, which wins when the studio loads. */
export function ThemeToggle({ tooltipPosition = "right" }: { tooltipPosition?: "right" | "top" }) {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const saved = useThemeChoice();
  const save = useSetThemeChoice();
  const choice: ThemeChoice = parseThemeChoice(colorScheme) ?? "auto";

  useEffect(() => {
    if (saved.data) setColorScheme(saved.data);
  }, [saved.data, setColorScheme]);

  const Icon = ICONS[choice];
  const change = () => {
    const next = nextThemeChoice(choice);
    setColorScheme(next);
    save.mutate(next);
  };
  return (
    <Tooltip label={THEME_LABELS[choice]} position={tooltipPosition}>
      <ActionIcon variant="subtle" color="gray" size={36} radius="xl" onClick={change} aria-label={THEME_LABELS[choice]} data-theme-choice={choice}>
        <Icon size={20} aria-hidden />
      </ActionIcon>
    </Tooltip>
  );
}
