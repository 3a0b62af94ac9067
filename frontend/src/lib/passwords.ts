/** Password strength (shown while typing), the server's policy, and a client-side generator
 * for first-run setup, where `GET /auth/generate-password` is not yet reachable (it needs a
 * signed-in user). */

export interface Strength {
  /** 0 (very weak) … 4 (strong) */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
}

const LABELS = ["Very weak", "Weak", "Fair", "Good", "Strong"] as const;
const COMMON = ["password", "123456", "qwerty", "letmein", "admin", "welcome", "gesso", "invoke"];

export function passwordStrength(password: string): Strength {
  if (!password) return { score: 0, label: LABELS[0] };
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  let points = 0;
  if (password.length >= 8) points += 1;
  if (password.length >= 12) points += 1;
  if (password.length >= 16) points += 1;
  points += Math.max(0, classes - 1);
  const lower = password.toLowerCase();
  if (COMMON.some((word) => lower.includes(word))) points -= 2;
  if (/^(.)\1*$/.test(password)) points = 0;
  const score = Math.max(0, Math.min(4, points - 1)) as Strength["score"];
  return { score, label: LABELS[score] };
}

/** The server's rule (SPEC §3): strict → 8+ characters with upper, lower and digit. */
export function passwordPolicyError(password: string, strict: boolean): string | null {
  if (!password) return "Enter a password";
  if (!strict) return null;
  if (password.length < 8) return "Use at least 8 characters";
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password)) {
    return "Use upper-case and lower-case letters and a digit";
  }
  return null;
}

/** A new password as a form takes it: typed once, then again to confirm. */
export interface NewPassword {
  password: string;
  confirm: string;
}

export const EMPTY_NEW_PASSWORD: NewPassword = { password: "", confirm: "" };

/** A new password may be sent: it keeps the server's rule and was typed the same twice. */
export function newPasswordReady({ password, confirm }: NewPassword, strict: boolean): boolean {
  return passwordPolicyError(password, strict) === null && confirm === password;
}

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGITS = "23456789";
const ALL = UPPER + LOWER + DIGITS;

type RandomFill = (array: Uint32Array) => Uint32Array;

const cryptoFill: RandomFill = (array) => crypto.getRandomValues(array);

/** 16 unambiguous characters with at least one upper, one lower and one digit. */
export function generatePassword(length = 16, fill: RandomFill = cryptoFill): string {
  for (;;) {
    const values = fill(new Uint32Array(length));
    const password = Array.from(values, (v) => ALL[v % ALL.length]).join("");
    if (/[A-Z]/.test(password) && /[a-z]/.test(password) && /\d/.test(password)) return password;
  }
}
