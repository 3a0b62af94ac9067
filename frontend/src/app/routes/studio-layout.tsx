import { AppShell, Stack, ThemeIcon, Tooltip, UnstyledButton } from "@mantine/core";
import { IconPhoto, IconUser, IconUsers } from "@tabler/icons-react";
import type { ComponentType } from "react";
import { NavLink, Outlet } from "react-router";
import { GessoMark } from "../../components/gesso-logo";
import { UserMenu } from "../../features/auth/components/user-menu";
import { useSession } from "../../hooks/use-session";
import { paths } from "../route-paths";
import classes from "./studio-layout.module.css";

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
}

/** The icon rail on the left and the page on the right. */
export function StudioLayout() {
  const session = useSession();
  const items: NavItem[] = [{ to: paths.gallery, label: "Gallery", icon: IconPhoto }];
  if (session.multiuser && session.user.is_admin) items.push({ to: paths.users, label: "Users", icon: IconUsers });

  return (
    <AppShell navbar={{ width: 68, breakpoint: 0 }} padding={0}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Navbar p={10} aria-label="Studio">
        <Stack justify="space-between" h="100%" align="center">
          <Stack gap="sm" align="center">
            <GessoMark size={40} />
            <Stack gap={6} mt="md" component="ul" className={classes.navList}>
              {items.map(({ to, label, icon: Icon }) => (
                <li key={to}>
                  <Tooltip label={label} position="right">
                    <UnstyledButton component={NavLink} to={to} className={classes.navButton} aria-label={label}>
                      <Icon size={22} />
                    </UnstyledButton>
                  </Tooltip>
                </li>
              ))}
            </Stack>
          </Stack>
          {session.multiuser ? (
            <UserMenu />
          ) : (
            <Tooltip label="Single-user mode: no accounts, everything is yours" position="right" multiline w={220}>
              <ThemeIcon variant="light" color="gray" size={36} radius="xl" tabIndex={0} aria-label="Single-user mode">
                <IconUser size={20} aria-hidden />
              </ThemeIcon>
            </Tooltip>
          )}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" h="100dvh" style={{ display: "flex", flexDirection: "column" }} tabIndex={-1}>
        <div style={{ flex: 1, minHeight: 0, overflowY: "auto" }}>
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
