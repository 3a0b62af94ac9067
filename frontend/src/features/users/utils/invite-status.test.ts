import { describe, expect, it } from "vitest";
import type { InviteDTO } from "@/lib/api-types";
import { inviteStatus } from "./invite-status";

const base: InviteDTO = {
  invite_id: "i1",
  email: null,
  is_admin: false,
  created_by: "a",
  created_at: "2026-01-01T00:00:00Z",
  expires_at: "2026-01-04T00:00:00Z",
  used_at: null,
  used_by: null,
  revoked_at: null,
};
const now = new Date("2026-01-02T00:00:00Z");

describe("inviteStatus", () => {
  it("tells open, used, revoked and expired apart", () => {
    expect(inviteStatus(base, now)).toBe("open");
    expect(inviteStatus({ ...base, used_at: "2026-01-01T01:00:00Z", used_by: "u" }, now)).toBe("used");
    expect(inviteStatus({ ...base, revoked_at: "2026-01-01T01:00:00Z" }, now)).toBe("revoked");
    expect(inviteStatus({ ...base, expires_at: "2026-01-01T12:00:00Z" }, now)).toBe("expired");
  });
});
