import { GroupsPage } from "@/features/access/components/groups-page";

export function GroupsRoute() {
  return <GroupsPage />;
}
