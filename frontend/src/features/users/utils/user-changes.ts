import type { UserDTO } from "@/lib/api-types";
import type { UserUpdate } from "../api/update-user";

export interface UserForm {
  displayName: string;
  isAdmin: boolean;
  isActive: boolean;
  password: string;
  mustChangePassword: boolean;
}

/** Only the fields that changed are sent; an empty password field leaves the password alone. */
export function userChanges(user: UserDTO, form: UserForm): UserUpdate {
  const changes: UserUpdate = {};
  if (form.displayName.trim() !== (user.display_name ?? "")) changes.display_name = form.displayName.trim();
  if (form.isAdmin !== user.is_admin) changes.is_admin = form.isAdmin;
  if (form.isActive !== user.is_active) changes.is_active = form.isActive;
  if (form.password) changes.password = form.password;
  if (form.mustChangePassword !== user.must_change_password) {
    changes.must_change_password = form.mustChangePassword;
  }
  return changes;
}
