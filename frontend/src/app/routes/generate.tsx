import { useParams } from "react-router";
import { useBoards } from "@/features/gallery/api/list-boards";
import { GalleryPage } from "@/features/gallery/components/gallery-page";
import { UNCATEGORIZED } from "@/features/gallery/utils/boards";
import { canContributeToBoard } from "@/features/gallery/utils/permissions";
import type { TargetBoard } from "@/features/generate/components/generate-panel";
import { GenerateWorkspace } from "@/features/generate/components/generate-workspace";
import { WorkspaceImageActions } from "@/features/generate/components/workspace-image-actions";
import { NoModelsNotice } from "@/features/models/components/no-models-notice";
import { QueueCounts } from "@/features/queue/components/queue-counts";
import { useSession } from "@/hooks/use-session";
import { paths } from "../route-paths";

/** The studio's main screen: parameters on the left, the gallery of the board that new images
 * go to (or the inpainting canvas) on the right (InvokeAI's layout). */
export function GenerateRoute() {
  const { boardId = UNCATEGORIZED } = useParams();
  const session = useSession();
  const boards = useBoards(false);
  const board = boards.data?.find((b) => b.board_id === boardId);
  const target: TargetBoard | null =
    board && !board.archived && canContributeToBoard(session, board) ? { boardId: board.board_id, name: board.board_name } : null;

  return (
    <GenerateWorkspace
      board={target}
      noModels={<NoModelsNotice />}
      queueSummary={<QueueCounts compact />}
      gallery={
        <GalleryPage
          boardId={boardId}
          basePath={paths.generate}
          imageActions={(image) => <WorkspaceImageActions image={image} />}
        />
      }
    />
  );
}
