import { useNavigate, useParams } from "react-router";
import { WorkspaceImageActions } from "@/features/generate/components/workspace-image-actions";
import { GalleryPage } from "@/features/gallery/components/gallery-page";
import { paths } from "../route-paths";

export function GalleryRoute() {
  const { boardId } = useParams();
  const navigate = useNavigate();
  return (
    <GalleryPage
      boardId={boardId}
      imageActions={(image) => <WorkspaceImageActions image={image} onStarted={() => void navigate(paths.generate)} />}
    />
  );
}
