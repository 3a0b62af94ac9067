import { Group, Text, ThemeIcon } from "@mantine/core";
import { IconBrush } from "@tabler/icons-react";

export function GessoMark({ size = 36 }: { size?: number }) {
  return (
    <ThemeIcon size={size} radius="md" variant="gradient" gradient={{ from: "indigo", to: "grape", deg: 135 }}>
      <IconBrush size={size * 0.6} aria-hidden />
    </ThemeIcon>
  );
}

export function GessoLogo() {
  return (
    <Group gap="xs" justify="center">
      <GessoMark />
      <Text fw={700} size="xl">
        Gesso
      </Text>
    </Group>
  );
}
