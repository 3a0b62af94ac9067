import { useParams } from "react-router";
import { GalleryPage } from "@/features/gallery/components/gallery-page";

export function GalleryRoute() {
  const { boardId } = useParams();
  return <GalleryPage boardId={boardId} />;
}
