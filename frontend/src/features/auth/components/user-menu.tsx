import { Avatar, Badge, Menu, Stack, Text, Tooltip, UnstyledButton } from "@mantine/core";
import { IconLogout, IconUserCircle } from "@tabler/icons-react";
import { Link } from "react-router";
import { useSession } from "@/hooks/use-session";
import { useLogOut } from "../api/log-out";
import { displayNameOf, initialsOf } from "../utils/user-labels";

/** Avatar at the bottom of the navigation rail: who is signed in, their role, profile, logout. */
export function UserMenu() {
  const { user } = useSession();
  const logout = useLogOut();
  const name = displayNameOf(user);
  return (
    <Menu position="right-end" withArrow shadow="md" width={240}>
      <Menu.Target>
        <Tooltip label={name} position="right">
          <UnstyledButton aria-label={`Account menu for ${name}`} data-testid="user-menu">
            <Avatar color="indigo" radius="xl">
              {initialsOf(user)}
            </Avatar>
          </UnstyledButton>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        <Stack gap={2} px="sm" py="xs">
          <Text fw={600} truncate>
            {name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {user.email}
          </Text>
          <Badge mt={4} size="sm" variant="light" color={user.is_admin ? "grape" : "gray"}>
            {user.is_admin ? "Administrator" : "User"}
          </Badge>
        </Stack>
        <Menu.Divider />
        <Menu.Item component={Link} to="/profile" leftSection={<IconUserCircle size={16} />}>
          Profile and sessions
        </Menu.Item>
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
        >
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
