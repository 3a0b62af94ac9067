import type { ApiTokenScope } from "@/lib/api-types";

/** Scopes in the order the form shows them, with what each allows (SPEC §16). */
export const SCOPES: { value: ApiTokenScope; label: string; adminOnly: boolean }[] = [
  { value: "read", label: "Read: everything you can see", adminOnly: false },
  { value: "generate", label: "Generate: queue, cancel and retry your images, upload", adminOnly: false },
  { value: "gallery", label: "Gallery: change boards and images", adminOnly: false },
  { value: "models", label: "Models: install and change models", adminOnly: true },
  { value: "admin", label: "Admin: users, groups and quotas", adminOnly: true },
];

export const MAX_EXPIRY_DAYS = 365;
export const DEFAULT_EXPIRY_DAYS = 90;

export interface TokenForm {
  name: string;
  scopes: ApiTokenScope[];
  expiresInDays: number;
}

/** What is wrong with the form, by field (empty when it can be sent). */
export function tokenFormErrors(form: TokenForm): Partial<Record<keyof TokenForm, string>> {
  const errors: Partial<Record<keyof TokenForm, string>> = {};
  if (!form.name.trim()) errors.name = "Give the token a name";
  else if (form.name.trim().length > 100) errors.name = "At most 100 characters";
  if (form.scopes.length === 0) errors.scopes = "Choose at least one scope";
  const days = form.expiresInDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS) {
    errors.expiresInDays = `Between 1 and ${MAX_EXPIRY_DAYS} days`;
  }
  return errors;
}
