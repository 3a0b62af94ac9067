import { Button, Center, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { Link, Outlet } from "react-router";
import { useSession } from "@/hooks/use-session";

export function Refusal({ title, children }: { title: string; children: string }) {
  return (
    <Center h="100%" p="xl">
      <Stack align="center" maw={420} ta="center">
        <ThemeIcon size={56} radius="xl" variant="light" color="gray">
          <IconLock size={30} aria-hidden />
        </ThemeIcon>
        <Title order={1} size="h3">
          {title}
        </Title>
        <Text c="dimmed">{children}</Text>
        <Button component={Link} to="/gallery" variant="light">
          Back to the gallery
        </Button>
      </Stack>
    </Center>
  );
}

/** Routes for administrators of a multi-user server (single-user mode has no accounts). */
export function RequireAdmin() {
  const session = useSession();
  if (!session.multiuser) {
    return <Refusal title="No accounts in single-user mode">User management exists only in multi-user mode.</Refusal>;
  }
  if (!session.user.is_admin) {
    return <Refusal title="Administrators only">You need administrator rights to manage users.</Refusal>;
  }
  return <Outlet />;
}

/** Routes that only make sense with accounts (profile, sessions). */
export function RequireAccount() {
  const session = useSession();
  if (!session.multiuser) {
    return (
      <Refusal title="No accounts in single-user mode">
        Profiles, passwords and sessions exist only in multi-user mode.
      </Refusal>
    );
  }
  return <Outlet />;
}
