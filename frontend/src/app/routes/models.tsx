import { ModelsPage } from "@/features/models/components/models-page";

export function ModelsRoute() {
  return <ModelsPage />;
}
