import { apiRequest } from "@/lib/api-client";

/** A server-generated password (16 characters with upper, lower and digit). */
export async function generatePassword(): Promise<string> {
  const result = await apiRequest<{ password: string }>("api/v1/auth/generate-password");
  return result.password;
}
