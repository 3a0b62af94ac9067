import type { UseQueryResult } from "@tanstack/react-query";
import { ActionIcon, Group, Loader, Stack, Switch, Text, Title, Tooltip } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { useNavigate } from "react-router";
import { ErrorAlert } from "@/components/error-alert";
import { useSession } from "@/hooks/use-session";
import type { BoardDTO } from "@/lib/api-types";
import { useImageCount } from "../api/count-images";
import { useBoardPath } from "../hooks/gallery-path";
import { groupBoards, othersHeading, UNCATEGORIZED } from "../utils/boards";
import { BoardRow, UncategorizedRow } from "./board-row";
import { CreateBoardModal } from "./board-dialogs";
import classes from "./gallery.module.css";

interface BoardsPanelProps {
  selected: string;
  boards: UseQueryResult<BoardDTO[]>;
  showArchived: boolean;
  onShowArchivedChange: (show: boolean) => void;
}

export function BoardsPanel({ selected, boards, showArchived, onShowArchivedChange }: BoardsPanelProps) {
  const session = useSession();
  const [creating, setCreating] = useState(false);
  const uncategorized = useImageCount(UNCATEGORIZED);
  const navigate = useNavigate();
  const boardPath = useBoardPath();
  const groups = groupBoards(boards.data ?? [], session.user.user_id);

  return (
    <nav className={classes.boards} aria-label="Boards">
      <Group justify="space-between" p="sm" pb="xs">
        <Title order={2} size="h5">
          Boards
        </Title>
        <Tooltip label="New board">
          <ActionIcon variant="subtle" aria-label="New board" onClick={() => setCreating(true)}>
            <IconPlus size={18} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <div className={classes.boardsList}>
        <Stack gap={2}>
          <UncategorizedRow selected={selected === UNCATEGORIZED} count={uncategorized.data} />
          {boards.isPending && <Loader size="sm" m="sm" aria-label="Loading boards" />}
          <ErrorAlert error={boards.error} />
          <BoardGroup boards={groups.mine} selected={selected} />
          {boards.data && groups.mine.length === 0 && (
            <Text size="sm" c="dimmed" px={8} py="xs">
              No boards of your own yet. Create one with the + button.
            </Text>
          )}
          {groups.others.length > 0 && (
            <>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="md" mb={4} px={8}>
                {othersHeading(session)}
              </Text>
              <BoardGroup boards={groups.others} selected={selected} />
            </>
          )}
        </Stack>
      </div>
      <Switch
        size="xs"
        m="sm"
        label="Show archived boards"
        checked={showArchived}
        onChange={(e) => onShowArchivedChange(e.currentTarget.checked)}
      />
      <CreateBoardModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(board) => void navigate(boardPath(board.board_id))}
      />
    </nav>
  );
}

function BoardGroup({ boards, selected }: { boards: BoardDTO[]; selected: string }) {
  return boards.map((board) => <BoardRow key={board.board_id} board={board} selected={board.board_id === selected} />);
}
