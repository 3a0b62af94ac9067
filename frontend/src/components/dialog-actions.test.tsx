import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderRoutes } from "@/testing/render";
import { DialogActions } from "./dialog-actions";

describe("DialogActions", () => {
  it("submits the dialog's form when it has no action of its own", () => {
    const onSubmit = vi.fn((event: { preventDefault: () => void }) => event.preventDefault());
    const onCancel = vi.fn();
    renderRoutes(
      [
        {
          path: "/",
          element: (
            <form onSubmit={onSubmit}>
              <DialogActions onCancel={onCancel} confirmLabel="Create board" />
            </form>
          ),
        },
      ],
      "/",
    );
    fireEvent.click(screen.getByRole("button", { name: "Create board" }));
    expect(onSubmit).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it("runs its action without submitting, and not while disabled", () => {
    const onSubmit = vi.fn();
    const onConfirm = vi.fn();
    const { unmount } = renderRoutes(
      [
        {
          path: "/",
          element: (
            <form onSubmit={onSubmit}>
              <DialogActions onCancel={() => undefined} confirmLabel="Delete board" onConfirm={onConfirm} danger />
            </form>
          ),
        },
      ],
      "/",
    );
    fireEvent.click(screen.getByRole("button", { name: "Delete board" }));
    expect(onConfirm).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();
    unmount();

    renderRoutes(
      [{ path: "/", element: <DialogActions onCancel={() => undefined} confirmLabel="Move" onConfirm={onConfirm} disabled /> }],
      "/",
    );
    const move = screen.getByRole("button", { name: "Move" }) as HTMLButtonElement;
    expect(move.disabled).toBe(true);
  });
});
