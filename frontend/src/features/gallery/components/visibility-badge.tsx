import { Badge } from "@mantine/core";
import { IconLock, IconUsers, IconWorld } from "@tabler/icons-react";
import type { BoardVisibility } from "@/lib/api-types";
import { VISIBILITY_LABELS } from "../utils/boards";

const ICONS = { private: IconLock, shared: IconUsers, public: IconWorld } as const;

export function VisibilityBadge({ visibility }: { visibility: BoardVisibility }) {
  const { label, color, description } = VISIBILITY_LABELS[visibility];
  const Icon = ICONS[visibility];
  return (
    <Badge size="xs" variant="light" color={color} leftSection={<Icon size={10} aria-hidden />} title={description}>
      {label}
    </Badge>
  );
}
