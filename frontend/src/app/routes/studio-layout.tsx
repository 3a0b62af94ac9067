import { AppShell, Group, Indicator, Stack, ThemeIcon, Tooltip, UnstyledButton } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import {
  IconBox,
  IconGauge,
  IconHistory,
  IconListDetails,
  IconPhoto,
  IconPlugConnectedX,
  IconSparkles,
  IconUser,
  IconUsers,
  IconUsersGroup,
} from "@tabler/icons-react";
import { useEffect, useState, type ComponentType } from "react";
import { NavLink, Outlet } from "react-router";
import { GessoMark } from "@/components/gesso-logo";
import { ThemeToggle } from "@/features/appearance/components/theme-toggle";
import { UserMenu } from "@/features/auth/components/user-menu";
import { useQueueStatus } from "@/features/queue/api/get-queue-status";
import { useSocketStatus } from "@/hooks/use-socket-event";
import { useSession } from "@/hooks/use-session";
import { useLiveUpdates } from "../live-updates";
import { paths } from "../route-paths";
import classes from "./studio-layout.module.css";

const OFFLINE_GRACE_MS = 4000;
/** Below this width the rail becomes a bottom bar and pages stack their panels. */
export const PHONE_QUERY = "(max-width: 48em)";

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number }>;
  /** A count shown on the icon (live queue items). */
  count?: number;
}

/** The icon rail on the left and the page on the right; live updates while it is shown. */
export function StudioLayout() {
  const session = useSession();
  useLiveUpdates();
  const queue = useQueueStatus().data?.queue;
  const live = queue ? queue.pending + queue.in_progress : 0;
  const items: NavItem[] = [
    { to: paths.generate, label: "Generate", icon: IconSparkles },
    { to: paths.gallery, label: "Gallery", icon: IconPhoto },
    { to: paths.queue, label: live ? `Queue (${live} waiting or running)` : "Queue", icon: IconListDetails, count: live },
    { to: paths.models, label: "Models", icon: IconBox },
  ];
  const phone = useMediaQuery(PHONE_QUERY) ?? false;
  if (session.multiuser && session.user.is_admin) {
    items.push({ to: paths.users, label: "Users", icon: IconUsers });
    // The phone bar has no room for more; there the Users page links to them.
    if (!phone) {
      items.push(
        { to: paths.groups, label: "Groups", icon: IconUsersGroup },
        { to: paths.quotas, label: "Quotas and usage", icon: IconGauge },
        { to: paths.audit, label: "Audit log", icon: IconHistory },
      );
    }
  }

  const links = items.map(({ to, label, icon: Icon, count }) => (
    <li key={to}>
      <Tooltip label={label} position={phone ? "top" : "right"}>
        <UnstyledButton component={NavLink} to={to} className={classes.navButton} aria-label={label}>
          <Indicator label={count} size={16} disabled={!count} offset={2} color="indigo">
            <Icon size={22} />
          </Indicator>
        </UnstyledButton>
      </Tooltip>
    </li>
  ));
  const account = session.multiuser ? (
    <UserMenu />
  ) : (
    <Tooltip label="Single-user mode: no accounts, everything is yours" position={phone ? "top" : "right"} multiline w={220}>
      <ThemeIcon variant="light" color="gray" size={36} radius="xl" tabIndex={0} aria-label="Single-user mode">
        <IconUser size={20} aria-hidden />
      </ThemeIcon>
    </Tooltip>
  );

  return (
    <AppShell
      navbar={phone ? undefined : { width: 68, breakpoint: 0 }}
      footer={phone ? { height: 60 } : undefined}
      padding={0}
    >
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      {phone ? (
        <AppShell.Footer px="xs" className={classes.bottomBar}>
          <nav aria-label="Studio" className={classes.bottomNav}>
            <Group gap={2} component="ul" className={classes.navList} wrap="nowrap">
              {links}
            </Group>
            <Group gap={4} wrap="nowrap">
              <LiveUpdatesBadge />
              <ThemeToggle tooltipPosition="top" />
              {account}
            </Group>
          </nav>
        </AppShell.Footer>
      ) : (
        <AppShell.Navbar p={10} aria-label="Studio">
          <Stack justify="space-between" h="100%" align="center">
            <Stack gap="sm" align="center">
              <GessoMark size={40} />
              <Stack gap={6} mt="md" component="ul" className={classes.navList}>
                {links}
              </Stack>
            </Stack>
            <Stack gap="sm" align="center">
              <LiveUpdatesBadge />
              <ThemeToggle />
              {account}
            </Stack>
          </Stack>
        </AppShell.Navbar>
      )}
      <AppShell.Main id="main" className={classes.main} tabIndex={-1}>
        <div className={classes.scroll}>
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}

/** Shown when live updates (the socket) have been down for a few seconds. */
function LiveUpdatesBadge() {
  const down = useSocketStatus() !== "connected";
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!down) return;
    const timer = setTimeout(() => setLate(true), OFFLINE_GRACE_MS);
    return () => {
      clearTimeout(timer);
      setLate(false);
    };
  }, [down]);
  if (!down || !late) return null;
  return (
    <Tooltip label="Live updates are offline; reconnecting. Reload the page if this lasts." position="right" multiline w={220}>
      <ThemeIcon variant="light" color="orange" size={36} radius="xl" tabIndex={0} aria-label="Live updates offline" role="status">
        <IconPlugConnectedX size={20} aria-hidden />
      </ThemeIcon>
    </Tooltip>
  );
}
