import type { InviteDTO } from "@/lib/api-types";

export type InviteStatus = "used" | "revoked" | "expired" | "open";

export function inviteStatus(invite: InviteDTO, now: Date = new Date()): InviteStatus {
  if (invite.used_at) return "used";
  if (invite.revoked_at) return "revoked";
  return new Date(invite.expires_at) <= now ? "expired" : "open";
}
