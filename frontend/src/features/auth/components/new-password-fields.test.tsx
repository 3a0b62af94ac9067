import { fireEvent, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { EMPTY_NEW_PASSWORD } from "@/lib/passwords";
import { renderRoutes } from "@/testing/render";
import { NewPasswordFields } from "./new-password-fields";

function Form({ strict }: { strict: boolean }) {
  const [value, setValue] = useState(EMPTY_NEW_PASSWORD);
  return <NewPasswordFields value={value} onChange={setValue} strict={strict} />;
}

function type(label: "New password" | "Confirm new password", value: string) {
  // The label carries Mantine's required mark after the text.
  fireEvent.change(screen.getByLabelText(new RegExp(`^${label}`), { selector: "input" }), { target: { value } });
}

describe("NewPasswordFields", () => {
  it("says so while the confirmation differs, and stops once it matches", () => {
    renderRoutes([{ path: "/", element: <Form strict={false} /> }], "/");
    type("New password", "correct horse");
    expect(screen.queryByText("The passwords do not match")).toBeNull();
    type("Confirm new password", "correct hor");
    expect(screen.getByText("The passwords do not match")).toBeTruthy();
    type("Confirm new password", "correct horse");
    expect(screen.queryByText("The passwords do not match")).toBeNull();
  });

  it("shows the server's strict rule under the new password", () => {
    renderRoutes([{ path: "/", element: <Form strict /> }], "/");
    type("New password", "Short1");
    expect(screen.getByText("Use at least 8 characters")).toBeTruthy();
    type("New password", "Long enough 1");
    expect(screen.queryByText("Use at least 8 characters")).toBeNull();
  });
});
