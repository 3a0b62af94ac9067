import { Badge } from "@mantine/core";

/** "Administrator" or "User", as the account (or the invite) makes its holder. */
export function RoleBadge({ isAdmin }: { isAdmin: boolean }) {
  return (
    <Badge variant="light" color={isAdmin ? "grape" : "gray"}>
      {isAdmin ? "Administrator" : "User"}
    </Badge>
  );
}
