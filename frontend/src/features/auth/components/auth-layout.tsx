import { Center, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { GessoLogo } from "@/components/gesso-logo";

/** The centred card shared by the setup and sign-in pages. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="md" radius="md" p="xl" w="100%" maw={460}>
        <Stack gap="lg">
          <Stack gap={6} align="center">
            <GessoLogo />
            <Title order={1} size="h2" ta="center" mt="sm">
              {title}
            </Title>
            {subtitle && (
              <Text c="dimmed" size="sm" ta="center">
                {subtitle}
              </Text>
            )}
          </Stack>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
