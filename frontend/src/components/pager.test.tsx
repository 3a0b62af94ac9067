import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderRoutes } from "@/testing/render";
import { Pager } from "./pager";

function renderPager(props: { hasPrevious: boolean; hasNext: boolean; previousLabel?: string; nextLabel?: string }) {
  const onPrevious = vi.fn();
  const onNext = vi.fn();
  renderRoutes(
    [{ path: "/", element: <Pager summary="Page 2" onPrevious={onPrevious} onNext={onNext} {...props} /> }],
    "/",
  );
  return { onPrevious, onNext };
}

function button(name: string): HTMLButtonElement {
  return screen.getByRole("button", { name }) as HTMLButtonElement;
}

describe("Pager", () => {
  it("shows where the reader is", () => {
    renderPager({ hasPrevious: true, hasNext: true });
    expect(screen.getByText("Page 2")).toBeTruthy();
  });

  it("disables Previous on the first page and Next on the last", () => {
    renderPager({ hasPrevious: false, hasNext: false });
    expect(button("Previous").disabled).toBe(true);
    expect(button("Next").disabled).toBe(true);
  });

  it("steps both ways when there is more to see", () => {
    const { onPrevious, onNext } = renderPager({ hasPrevious: true, hasNext: true });
    fireEvent.click(button("Previous"));
    fireEvent.click(button("Next"));
    expect(onPrevious).toHaveBeenCalledOnce();
    expect(onNext).toHaveBeenCalledOnce();
  });

  it("names its buttons as the page asks", () => {
    renderPager({ hasPrevious: true, hasNext: false, previousLabel: "Newer", nextLabel: "Older" });
    expect(button("Newer").disabled).toBe(false);
    expect(button("Older").disabled).toBe(true);
  });
});
