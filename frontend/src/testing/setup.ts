import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { clearSignOutNotice, setToken } from "../lib/auth-token";

afterEach(() => {
  cleanup();
  setToken(null);
  clearSignOutNotice();
  window.localStorage.clear();
  window.sessionStorage.clear();
});
