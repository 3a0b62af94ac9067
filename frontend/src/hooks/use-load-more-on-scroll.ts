import { useEffect, useRef, useState } from "react";

const MARGIN_PX = 400;

/**
 * Infinite scroll: returns a ref for a sentinel placed after the last item; `loadMore` runs
 * whenever the sentinel is within MARGIN_PX of the viewport. The position is measured after
 * every render (not taken from a stale observer entry), so one screen never loads two pages
 * and a short page that leaves the sentinel visible still loads the next one.
 */
export function useLoadMoreOnScroll(hasMore: boolean, loading: boolean, loadMore: () => void) {
  const sentinel = useRef<HTMLDivElement>(null);
  const [, setMoved] = useState(0);

  useEffect(() => {
    const element = sentinel.current;
    if (!element) return;
    const observer = new IntersectionObserver(() => setMoved((n) => n + 1), { rootMargin: `${MARGIN_PX}px` });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore || loading) return;
    if (element.getBoundingClientRect().top < window.innerHeight + MARGIN_PX) loadMore();
  });

  return { sentinel };
}
